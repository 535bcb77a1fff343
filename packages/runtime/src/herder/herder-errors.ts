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
