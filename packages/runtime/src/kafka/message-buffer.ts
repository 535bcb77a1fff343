import type { Message } from '@confluentinc/kafka-javascript';

/**
 * Messages fetched from librdkafka and not yet handed out, in fetch order (so in Kafka order per
 * partition), with their count and payload bytes for back-pressure.
 *
 * Invariant: `length` and `bytes` always describe exactly the messages held.
 */
export class MessageBuffer {
  private messages: Message[] = [];
  private head = 0;
  private heldBytes = 0;

  get length(): number {
    return this.messages.length - this.head;
  }

  get bytes(): number {
    return this.heldBytes;
  }

  push(message: Message): void {
    this.messages.push(message);
    this.heldBytes += sizeOf(message);
  }

  /** The oldest `max` messages, removed. */
  take(max: number): Message[] {
    const batch = this.messages.slice(this.head, this.head + max);
    this.head += batch.length;
    for (const message of batch) this.heldBytes -= sizeOf(message);
    if (this.head === this.messages.length) {
      this.messages = [];
      this.head = 0;
    } else if (this.head > 4096 && this.head * 2 > this.messages.length) {
      this.messages = this.messages.slice(this.head);
      this.head = 0;
    }
    return batch;
  }

  /** Removes every message `drop` picks; returns how many. */
  remove(drop: (message: Message) => boolean): number {
    const before = this.length;
    this.messages = this.messages.slice(this.head).filter((message) => !drop(message));
    this.head = 0;
    this.heldBytes = this.messages.reduce((sum, message) => sum + sizeOf(message), 0);
    return before - this.length;
  }
}

function sizeOf(message: Message): number {
  return (
    (message.value?.length ?? 0) + (typeof message.key === 'string' ? message.key.length : (message.key?.length ?? 0))
  );
}
