import type { Message } from '@confluentinc/kafka-javascript';
import type { SinkRecord } from '@sluice/sdk';

/**
 * The Kafka messages the records put since the last flush were made from, so that a record a
 * task reports (`ctx.report`) reaches the dead-letter queue as it was consumed: key, value and
 * headers untouched by converters and transforms. Found by identity, or, for a copy of the
 * record, by its topic, partition and offset as the task saw them.
 *
 * Invariant: `records[i]` was made from `messages[i]`; both are dropped once a flush made them
 * durable (or reported).
 */
export class OriginalMessages {
  private records: SinkRecord[] = [];
  private messages: Message[] = [];
  /** Built at the first lookup by coordinates, then kept up to date until clear(). */
  private index: Map<string, number[]> | undefined;

  add(records: readonly SinkRecord[], messages: readonly Message[]): void {
    for (let i = 0; i < records.length; i++) {
      const record = records[i] as SinkRecord;
      this.records.push(record);
      this.messages.push(messages[i] as Message);
      if (this.index) this.indexOne(record, this.records.length - 1);
    }
  }

  find(record: SinkRecord): Message | undefined {
    if (!this.index) {
      this.index = new Map();
      this.records.forEach((held, i) => this.indexOne(held, i));
    }
    const candidates = this.index.get(coordinates(record)) ?? [];
    const same = candidates.find((i) => this.records[i] === record) ?? candidates[0];
    return same === undefined ? undefined : this.messages[same];
  }

  clear(): void {
    this.records = [];
    this.messages = [];
    this.index = undefined;
  }

  private indexOne(record: SinkRecord, i: number): void {
    const key = coordinates(record);
    const list = this.index?.get(key);
    if (list) list.push(i);
    else this.index?.set(key, [i]);
  }
}

function coordinates(record: SinkRecord): string {
  return `${record.topic}\u0000${record.partition}\u0000${record.offset}`;
}
