/** What an operator asked a connector to be: Connect's target states. */
export type TargetState = 'STARTED' | 'PAUSED' | 'STOPPED';

export interface StoredConnector {
  readonly config: Readonly<Record<string, string>>;
  readonly target: TargetState;
}

/**
 * Connector configs and target states. Standalone mode keeps them in a local file; distributed
 * mode in a compacted Kafka topic. Each call is durable when it resolves.
 */
export interface ConfigStore {
  load(): Promise<Map<string, StoredConnector>>;
  put(name: string, connector: StoredConnector): Promise<void>;
  remove(name: string): Promise<void>;
}
