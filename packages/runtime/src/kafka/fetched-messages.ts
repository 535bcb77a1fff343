import type { Message } from '@confluentinc/kafka-javascript';
import { MessageBuffer } from './message-buffer.js';
import { Waker } from './waker.js';

/**
 * A buffer full this long stalls (its consumer pauses its partitions, so that polls, which serve
 * rebalances and keep the membership, take nothing more); a shorter fill only stops fetching.
 * librdkafka drops what it prefetched for a paused partition and fetches it again on resume:
 * pausing at every fill made a sink slower than its fetches read records several times
 * (bench/reports/filestream-profile.md).
 */
const FULL_STALL_MS = 1000;

/** What the owner does when the buffer's state changes. */
export interface FetchedMessagesEvents {
  /** Full for FULL_STALL_MS: pause what librdkafka fetches. */
  stalled(): void;
  /** Drained to half after being full: fetch again (and resume, when it had stalled). */
  drained(wasStalled: boolean): void;
}

/**
 * A group consumer's fetched messages not yet handed out, bounded in count and payload bytes,
 * with the waiters of consume().
 *
 * Invariant: `full` holds from the add() that reached either bound until take() left both at
 * half or below; `stalled` holds only while full, from FULL_STALL_MS after it became full;
 * while full, room() is none.
 */
export class FetchedMessages {
  private readonly buffer = new MessageBuffer();
  private readonly arrivals = new Waker();
  private isFull = false;
  private isStalled = false;
  private stallTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly maxMessages: number,
    private readonly maxBytes: number,
    private readonly events: FetchedMessagesEvents,
  ) {}

  get length(): number {
    return this.buffer.length;
  }

  get full(): boolean {
    return this.isFull;
  }

  get stalled(): boolean {
    return this.isStalled;
  }

  /** Room for more messages and payload bytes: none while full. */
  room(): { messages: number; bytes: number } {
    if (this.isFull) return { messages: 0, bytes: 0 };
    return { messages: this.maxMessages - this.buffer.length, bytes: this.maxBytes - this.buffer.bytes };
  }

  /** Adds the messages `keep` accepts, in order, and wakes the waiters. */
  add(messages: readonly Message[], keep: (message: Message) => boolean): void {
    for (const message of messages) if (keep(message)) this.buffer.push(message);
    if (!this.isFull && (this.buffer.length >= this.maxMessages || this.buffer.bytes >= this.maxBytes)) {
      this.isFull = true;
      this.stallTimer = setTimeout(() => this.stall(), FULL_STALL_MS);
      this.stallTimer.unref();
    }
    this.arrivals.wake();
  }

  /** The oldest `max` messages, removed; tells `drained` when that left a full buffer at half. */
  take(max: number): Message[] {
    const batch = this.buffer.take(max);
    if (this.isFull && this.buffer.length <= this.maxMessages / 2 && this.buffer.bytes <= this.maxBytes / 2) {
      const wasStalled = this.isStalled;
      this.isFull = false;
      this.isStalled = false;
      clearTimeout(this.stallTimer);
      this.events.drained(wasStalled);
    }
    return batch;
  }

  /** Removes every message `drop` picks (a revoked partition's). */
  remove(drop: (message: Message) => boolean): void {
    this.buffer.remove(drop);
  }

  /** Resolves at the next add() or wake(), or after `ms`. */
  wait(ms: number): Promise<void> {
    return this.arrivals.wait(ms);
  }

  wake(): void {
    this.arrivals.wake();
  }

  close(): void {
    clearTimeout(this.stallTimer);
  }

  private stall(): void {
    if (!this.isFull) return;
    this.isStalled = true;
    this.events.stalled();
  }
}
