/** The named connector (or task) is not known to the herder: Connect's 404. */
export class ConnectorNotFoundError extends Error {
  override readonly name = 'ConnectorNotFoundError';
  constructor(readonly connector: string) {
    super(`Connector ${connector} not found`);
  }
}

/** A create named a connector that exists: Connect's 409. */
export class ConnectorExistsError extends Error {
  override readonly name = 'ConnectorExistsError';
  constructor(readonly connector: string) {
    super(`Connector ${connector} already exists`);
  }
}

/** The herder is shutting down and takes no more changes: Connect's 503-ish "try another worker". */
export class HerderStoppingError extends Error {
  override readonly name = 'HerderStoppingError';
  constructor() {
    super('The worker is shutting down and accepts no more changes');
  }
}

/**
 * A change reached a worker that is not the cluster's leader: the REST layer forwards it to
 * `leaderUrl` (Connect's request forwarding), or answers 409 while no leader is known.
 */
export class NotLeaderError extends Error {
  override readonly name = 'NotLeaderError';
  constructor(readonly leaderUrl: string | undefined) {
    super(
      leaderUrl === undefined
        ? 'Cannot complete request momentarily due to no known leader URL, likely because a rebalance was underway.'
        : `This worker is not the leader; the leader is at ${leaderUrl}`,
    );
  }
}
