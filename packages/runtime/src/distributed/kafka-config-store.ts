import type { KafkaClientSettings } from '../kafka/client-config.js';
import { KafkaProducer } from '../kafka/producer.js';
import type { ConfigStore, StoredConnector } from '../stores/config-store.js';
import type { LogRecord } from './kafka-log.js';
import { KafkaLog } from './kafka-log.js';

const PREFIX = 'connector-';

/**
 * Connector configs and target states in the cluster's config topic (compacted, one partition,
 * so every worker reads every change in one order): key `connector-<name>`, value
 * `{config, target}`, a tombstone on delete. A write resolves once Kafka acknowledged it and
 * this worker has read it back, so a reader of this store after a write sees the write.
 *
 * Invariant: `connectors` is exactly the topic's latest record per key, up to what was read.
 */
export class KafkaConfigStore implements ConfigStore {
  private readonly connectors = new Map<string, StoredConnector>();
  private readonly log: KafkaLog;
  private readonly producer: KafkaProducer;
  private readonly listeners = new Set<(name: string) => void>();

  constructor(
    settings: KafkaClientSettings,
    readonly topic: string,
  ) {
    this.log = new KafkaLog(settings, topic, (record) => this.apply(record));
    this.producer = new KafkaProducer({ ...settings, 'client.id': `${topic}-writer` });
  }

  async start(): Promise<void> {
    await Promise.all([this.producer.connect(), this.log.start()]);
  }

  async stop(): Promise<void> {
    await Promise.all([this.producer.disconnect(), this.log.stop()]);
  }

  /** Told the name of every connector whose record changed (any worker's write). */
  onChange(listener: (name: string) => void): void {
    this.listeners.add(listener);
  }

  async load(): Promise<Map<string, StoredConnector>> {
    await this.log.readToEnd();
    return new Map(this.connectors);
  }

  async put(name: string, connector: StoredConnector): Promise<void> {
    await this.write(name, Buffer.from(JSON.stringify(connector)));
  }

  async remove(name: string): Promise<void> {
    await this.write(name, null);
  }

  private async write(name: string, value: Buffer | null): Promise<void> {
    await this.producer.send([{ topic: this.topic, key: Buffer.from(`${PREFIX}${name}`), value }]);
    await this.log.readToEnd();
  }

  private apply(record: LogRecord): void {
    if (!record.key.startsWith(PREFIX)) return;
    const name = record.key.slice(PREFIX.length);
    if (record.value === null) this.connectors.delete(name);
    else this.connectors.set(name, parseStored(record));
    for (const listener of this.listeners) listener(name);
  }
}

/** A record some other version or tool wrote badly is kept as an empty config (it shows FAILED), never a crash. */
function parseStored(record: LogRecord): StoredConnector {
  try {
    const parsed = JSON.parse((record.value as Buffer).toString()) as StoredConnector;
    if (typeof parsed.config === 'object' && parsed.config !== null) return parsed;
  } catch {
    // fall through
  }
  return { config: {}, target: 'STARTED' };
}
