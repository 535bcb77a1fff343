import type { DeliveryReport } from '@confluentinc/kafka-javascript';
import type { KafkaClientSettings } from '../kafka/client-config.js';
import { KafkaProducer } from '../kafka/producer.js';
import type { OutgoingMessage } from '../kafka/producer.js';
import type { LogRecord } from './kafka-log.js';
import { KafkaLog } from './kafka-log.js';

/**
 * A compacted internal topic seen as a table of JSON values by string key, the latest record
 * per key winning (Connect's config, offset and status backing stores all work this way).
 * Every worker's table converges on the topic. A write resolves once Kafka acknowledged it and
 * this worker read it back, so reads after a write see it.
 *
 * Invariant: `rows` is exactly the latest record per key up to what was read; a record whose
 * value is not JSON is skipped (and counted), never a crash.
 */
export class KafkaTable<V> {
  private readonly rows = new Map<string, V>();
  /** Per key, the offset of its latest record (in its partition). */
  private readonly offsets = new Map<string, number>();
  private readonly log: KafkaLog;
  private readonly producer: KafkaProducer;
  private readonly listeners = new Set<(key: string, value: V | undefined) => void>();
  /** Records skipped because their value was not JSON (another tool's, or corrupt). */
  unreadable = 0;
  /** When set (the leader's transactions), writes go through it instead of the table's own producer. */
  private writer: { write(messages: readonly OutgoingMessage[]): Promise<void> } | undefined;

  constructor(
    settings: KafkaClientSettings,
    readonly topic: string,
    /** Which partition a key's records go to; undefined: by key hash (one per key, in order). */
    private readonly partitionOf?: (key: string) => number | undefined,
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

  /** Told every key whose row changed, with its new value (undefined: deleted), in read order. */
  onChange(listener: (key: string, value: V | undefined) => void): void {
    this.listeners.add(listener);
  }

  get(key: string): V | undefined {
    return this.rows.get(key);
  }

  /** The offset of the key's latest record in its partition (undefined: none read, or deleted). */
  offsetOf(key: string): number | undefined {
    return this.offsets.get(key);
  }

  entries(): [string, V][] {
    return [...this.rows.entries()];
  }

  /** Resolves once every record written before the call is in the table. */
  catchUp(): Promise<void> {
    return this.log.readToEnd();
  }

  /** Routes every later write through `writer` (e.g. a TransactionalWriter), or back to the table's producer. */
  useWriter(writer: { write(messages: readonly OutgoingMessage[]): Promise<void> } | undefined): void {
    this.writer = writer;
  }

  /**
   * Writes rows (undefined deletes); resolves once acknowledged and read back (the partitions
   * written to, up to these rows; through a writer, every partition to its end), or, with
   * `readBack: false`, once acknowledged (a reader that must see them calls catchUp() first).
   */
  async write(
    rows: readonly (readonly [key: string, value: V | undefined])[],
    { readBack = true }: { readBack?: boolean } = {},
  ): Promise<void> {
    if (rows.length === 0) return;
    const messages = rows.map(([key, value]) => {
      const partition = this.partitionOf?.(key);
      return {
        topic: this.topic,
        key: Buffer.from(key),
        value: value === undefined ? null : Buffer.from(JSON.stringify(value)),
        ...(partition === undefined ? {} : { partition }),
      };
    });
    if (this.writer) {
      await this.writer.write(messages);
      if (readBack) await this.log.readToEnd(); // a transaction's end is past its commit marker
      return;
    }
    const reports = await this.producer.send(messages);
    if (readBack) await this.log.readTo(endsOf(reports));
  }

  private apply(record: LogRecord): void {
    let value: V | undefined;
    if (record.value !== null) {
      try {
        value = JSON.parse(record.value.toString()) as V;
      } catch {
        this.unreadable += 1;
        return;
      }
    }
    if (value === undefined) {
      this.rows.delete(record.key);
      this.offsets.delete(record.key);
    } else {
      this.rows.set(record.key, value);
      this.offsets.set(record.key, record.offset);
    }
    for (const listener of this.listeners) listener(record.key, value);
  }
}

/** Per partition written to, the offset after the last record a send placed there. */
function endsOf(reports: readonly DeliveryReport[]): Map<number, number> {
  const ends = new Map<number, number>();
  for (const { partition, offset } of reports) ends.set(partition, Math.max(ends.get(partition) ?? 0, offset + 1));
  return ends;
}
