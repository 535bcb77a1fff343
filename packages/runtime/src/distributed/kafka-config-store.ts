import type { KafkaClientSettings } from '../kafka/client-config.js';
import type { ConfigStore, StoredConnector } from '../stores/config-store.js';
import { KafkaTable } from './kafka-table.js';

const PREFIX = 'connector-';

/**
 * Connector configs and target states in the cluster's config topic (compacted, one partition,
 * so every worker reads every change in one order): key `connector-<name>`, value
 * `{config, target}`, a tombstone on delete. A write resolves once this worker read it back.
 * The same topic carries the placement (other keys), which this store ignores.
 */
export class KafkaConfigStore implements ConfigStore {
  constructor(private readonly table: KafkaTable<StoredConnector>) {}

  static create(settings: KafkaClientSettings, topic: string): KafkaConfigStore {
    return new KafkaConfigStore(new KafkaTable<StoredConnector>(settings, topic));
  }

  start(): Promise<void> {
    return this.table.start();
  }

  stop(): Promise<void> {
    return this.table.stop();
  }

  /** Told the name of every connector whose record changed (any worker's write). */
  onChange(listener: (name: string) => void): void {
    this.table.onChange((key) => {
      if (key.startsWith(PREFIX)) listener(key.slice(PREFIX.length));
    });
  }

  async load(): Promise<Map<string, StoredConnector>> {
    await this.table.catchUp();
    return new Map(
      this.table
        .entries()
        .filter(([key, value]) => key.startsWith(PREFIX) && isStored(value))
        .map(([key, value]) => [key.slice(PREFIX.length), value]),
    );
  }

  put(name: string, connector: StoredConnector): Promise<void> {
    return this.table.write([[`${PREFIX}${name}`, connector]]);
  }

  remove(name: string): Promise<void> {
    return this.table.write([[`${PREFIX}${name}`, undefined]]);
  }
}

/** A record some other version or tool wrote in another shape is not served as a connector. */
function isStored(value: unknown): value is StoredConnector {
  const stored = value as StoredConnector;
  return typeof stored === 'object' && stored !== null && typeof stored.config === 'object' && stored.config !== null;
}
