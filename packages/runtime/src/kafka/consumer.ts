import type { LibrdKafkaError, Message, TopicPartitionOffset } from '@confluentinc/kafka-javascript';
import type { TopicPartition } from '@sluice/sdk';
import type { KafkaClientSettings } from './client-config.js';
import { CommitConfirmations } from './commit-confirmations.js';
import { connectClient, disconnectClient } from './connect.js';
import type { ConsumerOptions } from './consumer-options.js';
import { directFetchSettings } from './fetch/direct-fetch-settings.js';
import { DirectFetcher } from './fetch/direct-fetcher.js';
import { kafkaLibrary } from './library.js';
import type { FetchHost } from './fetch/direct-fetcher.js';
import type { LibraryConsumer } from './library-consumer.js';
import { autoOffsetResetOf, libraryConsumer } from './library-consumer.js';
import { MissingTopicWatch } from './missing-topics.js';
import { MessageBuffer } from './message-buffer.js';
import { inPartitions, keyOf, partitionName } from './topic-partitions.js';
import { Waker } from './waker.js';

const ASSIGN_PARTITIONS = -175;
const REVOKE_PARTITIONS = -174;
/** Messages per fetch: one short call on libuv's pool that takes only what librdkafka already holds. */
const FETCH_SIZE = 1000;
/**
 * A poll at least this often (and at least three times per max.poll.interval.ms) keeps the
 * membership while nothing arrives; librdkafka's wake-ups do the rest.
 */
const KEEP_ALIVE_MS = 10_000;
/**
 * A buffer full this long pauses its partitions, so that polls (which serve rebalances and keep
 * the membership) take nothing more; a shorter fill only stops fetching. librdkafka drops what it
 * prefetched for a paused partition and fetches it again on resume: pausing at every fill made a
 * sink slower than its fetches read records several times (bench/reports/filestream-profile.md).
 */
const FULL_STALL_MS = 1000;

/**
 * A group consumer with auto-commit off: offsets are committed only by commit(), with exactly
 * the positions the caller says are durable. Assignment is cooperative-sticky, so a rebalance
 * moves only the partitions that must move.
 *
 * Two fetch paths. Over plaintext, records come by the DirectFetcher (Fetch requests sent and
 * decoded in JavaScript, at a tenth of the library's CPU per message) while librdkafka keeps the
 * membership, commits and metadata, its own fetching paused for every partition; a partition with
 * a batch that path cannot read (lz4, snappy or zstd compression, an old message format) is
 * handed to librdkafka from that offset. Otherwise, and with SLUICE_KAFKA_FETCH=library,
 * librdkafka fetches everything.
 *
 * Event-driven: librdkafka tells (queue_non_empty_cb) when its queue holds something (messages,
 * rebalances), and a fetch then takes what is ready without waiting, so no caller ever holds one
 * of libuv's four pool threads while it waits for data. Fetched messages wait in a bounded
 * buffer; past its bounds fetching stops until consume() drained it to half, and a buffer full
 * for FULL_STALL_MS pauses every librdkafka-fetched partition until then.
 *
 * Invariant: the buffer holds only messages of partitions currently assigned and not being
 * revoked, in Kafka order per partition; no fetch of messages starts while the buffer is full
 * (librdkafka's polls go on only while its partitions are paused); a partition librdkafka fetches
 * is paused in it exactly while the caller paused the consumer or the buffer stayed full for
 * FULL_STALL_MS (or it is being revoked); every other assigned partition is paused in librdkafka
 * and fetched by the DirectFetcher.
 */
export class KafkaGroupConsumer {
  private readonly consumer: LibraryConsumer;
  private readonly buffer = new MessageBuffer();
  private readonly arrivals = new Waker();
  private readonly commits = new CommitConfirmations(60_000);
  private readonly assigned = new Map<string, TopicPartition>();
  private readonly direct: DirectFetcher | undefined;
  /** With the direct path: the partitions handed to librdkafka (keys of `assigned`). */
  private readonly libraryFetched = new Set<string>();
  private readonly pollTimeoutMs: number;
  private readonly maxMessages: number;
  private readonly maxBytes: number;
  private revocations: Promise<void> = Promise.resolve();
  private keepAlive: NodeJS.Timeout | undefined;
  private connected = false;
  private fetching = false;
  private fetchAgain = false;
  private callerPaused = false;
  private bufferFull = false;
  /** The buffer stayed full for FULL_STALL_MS: partitions paused until it drained to half. */
  private stalled = false;
  private stallTimer: NodeJS.Timeout | undefined;
  private failure: Error | undefined;
  private missingTopics: MissingTopicWatch | undefined;

  constructor(
    private readonly settings: KafkaClientSettings,
    private readonly options: ConsumerOptions,
  ) {
    this.pollTimeoutMs = options.pollTimeoutMs ?? 100;
    this.maxMessages = options.maxBufferedMessages ?? 10_000;
    this.maxBytes = options.maxBufferedBytes ?? 16 * 1024 * 1024;
    this.consumer = libraryConsumer(settings, options, {
      rebalance: (error, partitions) => this.onRebalance(error, partitions),
      committed: (error, offsets) => this.commits.settle(error, offsets),
      queued: () => this.fetch(),
    });
    const direct = directFetchSettings(settings, autoOffsetResetOf(settings, options));
    this.direct = direct && new DirectFetcher(this.consumer, direct, this.fetchHost());
  }

  async connect(): Promise<void> {
    await connectClient(this.consumer, 'consumer');
    this.connected = true;
    const maxPollInterval = Number(this.settings['max.poll.interval.ms'] ?? 300_000);
    this.keepAlive = setInterval(() => this.fetch(), Math.min(KEEP_ALIVE_MS, maxPollInterval / 3));
    this.keepAlive.unref();
  }

  /** Subscribes; a topic that does not exist yet is seen within about 250 ms of its creation. */
  subscribe(topics: string[]): void {
    this.consumer.subscribe(topics);
    this.missingTopics?.stop();
    // a regular expression (^...) is matched by librdkafka's own metadata refresh
    this.missingTopics = new MissingTopicWatch(
      this.consumer,
      topics.filter((topic) => !topic.startsWith('^')),
    );
    this.missingTopics.start();
    this.fetch();
  }

  /** Messages fetched and not yet handed out by consume(). */
  get buffered(): number {
    return this.buffer.length;
  }

  /** Partitions assigned now (not counting those being revoked). */
  assignment(): TopicPartition[] {
    return [...this.assigned.values()];
  }

  /**
   * Resolves once the group gave this consumer partitions (joining takes a rebalance, about a
   * second): a caller measuring latency, or a test, waits for it before producing.
   */
  async waitForAssignment(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.assigned.size === 0) {
      if (Date.now() > deadline) throw new Error(`no partitions assigned within ${timeoutMs} ms`);
      await this.arrivals.wait(Math.min(100, deadline - Date.now() + 1));
    }
  }

  /**
   * Up to `max` messages, in Kafka order per partition; an empty array when none arrived within
   * `waitMs`, or sooner when the assignment changed or interrupt() was called. Rejects with the
   * consumer's failure (e.g. fenced by a newer member) once what was fetched before it is out.
   */
  async consume(max: number, waitMs = this.pollTimeoutMs): Promise<Message[]> {
    if (this.buffer.length === 0 && !this.failure && waitMs > 0) await this.arrivals.wait(waitMs);
    if (this.buffer.length === 0 && this.failure) throw this.failure;
    const batch = this.buffer.take(max);
    if (this.bufferFull && this.buffer.length <= this.maxMessages / 2 && this.buffer.bytes <= this.maxBytes / 2) {
      this.bufferFull = false;
      clearTimeout(this.stallTimer);
      if (this.stalled) {
        this.stalled = false;
        this.applyPause();
      }
      this.fetch();
      this.direct?.wake();
    }
    return batch;
  }

  /** Makes a waiting consume() return now (with what it has, maybe nothing). */
  interrupt(): void {
    this.arrivals.wake();
  }

  /**
   * Commits the given next-offsets (last processed + 1) and resolves once the group coordinator
   * accepted them. A refused commit (e.g. after losing the partition) rejects.
   */
  commit(offsets: readonly TopicPartitionOffset[]): Promise<void> {
    if (offsets.length === 0) return Promise.resolve();
    const confirmed = this.commits.expect(offsets);
    this.consumer.commitCb([...offsets], (error) => {
      if (error) this.commits.failed(offsets, new Error(`offset commit failed: ${error.message}`, { cause: error }));
    });
    return confirmed;
  }

  /** Records in Kafka beyond this consumer's position, summed over its partitions (from cached watermarks). */
  lag(): number {
    if (!this.connected) return 0;
    let lag = this.direct?.lag() ?? 0;
    for (const { topic, partition, offset } of this.consumer.position(this.libraryPartitions())) {
      try {
        const { highOffset } = this.consumer.getWatermarkOffsets(topic, partition);
        if (offset >= 0 && highOffset >= offset) lag += highOffset - offset;
      } catch {
        // no watermark fetched yet for this partition
      }
    }
    return lag;
  }

  /** Stops fetching from every assigned partition (the group membership stays; fetched messages stay buffered). */
  pauseAll(): void {
    this.callerPaused = true;
    this.applyPause();
  }

  resumeAll(): void {
    this.callerPaused = false;
    this.applyPause();
  }

  /**
   * Leaves the group (after every revocation in progress finished) and closes. Leaving is
   * explicit (unsubscribe, then close) because librdkafka's close alone does not make a static
   * member leave: its partitions would wait out the session timeout.
   */
  async disconnect(): Promise<void> {
    this.missingTopics?.stop();
    if (this.connected) {
      try {
        this.consumer.unsubscribe();
      } catch {
        // not subscribed
      }
      // librdkafka sends the LeaveGroup once the unassign is done, and its close waits for it
      await this.untilReleased(10_000);
      this.connected = false;
      clearInterval(this.keepAlive);
      clearTimeout(this.stallTimer);
      this.commits.failAll(new Error('offset commit not confirmed: the consumer closed'));
    }
    this.direct?.close();
    await disconnectClient(this.consumer);
  }

  /** One fetch at a time; a request during a fetch (or a full fetch) fetches again after it. */
  private fetch(): void {
    if (!this.connected || (this.bufferFull && !this.stalled && this.fetchesMessages())) return;
    if (this.fetching) {
      this.fetchAgain = true;
      return;
    }
    this.fetching = true;
    this.fetchAgain = false;
    this.consumer.consume(FETCH_SIZE, (error, messages) => {
      this.fetching = false;
      if (error) this.fetchFailed(error);
      else this.accept(messages);
      // until a fetch comes back empty: librdkafka wakes us only when its queue was empty
      if (error) this.retryFetch();
      else if (this.fetchAgain || messages.length > 0) this.fetch();
    });
  }

  private accept(messages: readonly Message[]): void {
    if (messages.length === 0) return;
    const held = inPartitions(this.assigned);
    for (const message of messages) if (held(message)) this.buffer.push(message);
    if (!this.bufferFull && (this.buffer.length >= this.maxMessages || this.buffer.bytes >= this.maxBytes)) {
      this.bufferFull = true;
      this.stallTimer = setTimeout(() => this.stall(), FULL_STALL_MS);
      this.stallTimer.unref();
    }
    this.arrivals.wake();
  }

  /** After a failed fetch, which may have left messages queued (no wake-up would come for them). */
  private retryFetch(): void {
    setTimeout(() => this.fetch(), 100).unref();
  }

  private fetchFailed(error: LibrdKafkaError): void {
    const codes = kafkaLibrary().CODES.ERRORS;
    // a subscribed topic that does not exist yet: not an error, it is picked up once created
    if (error.code === codes.ERR_UNKNOWN_TOPIC_OR_PART) return;
    if (!this.connected) return;
    this.failure ??= new Error(`consuming failed: ${error.message}`, { cause: error });
    this.arrivals.wake();
  }

  private onRebalance(error: LibrdKafkaError | undefined, partitions: readonly TopicPartitionOffset[]): void {
    const list = partitions.map(({ topic, partition }) => ({ topic, partition }));
    if (error?.code === ASSIGN_PARTITIONS) this.assign(list);
    else if (error?.code === REVOKE_PARTITIONS) this.revoke(list);
    else this.failure ??= new Error(`rebalance failed: ${error?.message ?? 'unknown error'}`, { cause: error });
    this.arrivals.wake();
  }

  private assign(partitions: TopicPartition[]): void {
    try {
      this.consumer.incrementalAssign(partitions);
    } catch (error) {
      this.failure ??= new Error(`taking assigned partitions failed: ${(error as Error).message}`, { cause: error });
      return;
    }
    for (const partition of partitions) this.assigned.set(keyOf(partition), partition);
    // explicit either way: a partition paused while it was revoked may come back still paused
    if (this.direct || this.callerPaused || this.stalled) this.safely(() => this.consumer.pause(partitions));
    else this.safely(() => this.consumer.resume(partitions));
    this.direct?.assign(partitions);
    this.options.rebalance?.assigned(partitions);
  }

  private revoke(partitions: TopicPartition[]): void {
    const lost = this.consumer.assignmentLost();
    const keys = new Set(partitions.map(keyOf));
    for (const key of keys) {
      this.assigned.delete(key);
      this.libraryFetched.delete(key);
    }
    this.direct?.revoke(partitions);
    this.buffer.remove((message) => keys.has(keyOf(message)));
    this.safely(() => this.consumer.pause(partitions));
    const listener = this.options.rebalance;
    this.revocations = this.revocations
      .then(() => listener?.revoked(partitions, lost))
      .catch(() => undefined) // the listener reports its own failures
      .finally(() => this.safely(() => this.consumer.incrementalUnassign(partitions)));
  }

  private async untilReleased(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.assigned.size > 0 && Date.now() < deadline) await this.arrivals.wait(50);
    await this.revocations;
  }

  /** Still full after FULL_STALL_MS: pause, then poll on (rebalances, membership) taking nothing more. */
  private stall(): void {
    if (!this.bufferFull || !this.connected) return;
    this.stalled = true;
    this.applyPause();
    this.fetch();
  }

  private applyPause(): void {
    if (!this.connected) return;
    this.direct?.setPaused(this.callerPaused);
    const partitions = this.libraryPartitions();
    if (partitions.length === 0) return;
    if (this.callerPaused || this.stalled) this.safely(() => this.consumer.pause(partitions));
    else this.safely(() => this.consumer.resume(partitions));
  }

  /** The assigned partitions librdkafka fetches: all of them without the direct path. */
  private libraryPartitions(): TopicPartition[] {
    if (!this.direct) return this.assignment();
    return this.assignment().filter((partition) => this.libraryFetched.has(keyOf(partition)));
  }

  /** Whether librdkafka's polls may bring messages (not only rebalances and errors). */
  private fetchesMessages(): boolean {
    return !this.direct || this.libraryFetched.size > 0;
  }

  private fetchHost(): FetchHost {
    return {
      room: () =>
        this.connected && !this.bufferFull
          ? { messages: this.maxMessages - this.buffer.length, bytes: this.maxBytes - this.buffer.bytes }
          : { messages: 0, bytes: 0 },
      deliver: (messages) => this.accept(messages),
      failed: (error) => {
        this.failure ??= new Error(`consuming failed: ${error.message}`, { cause: error });
        this.arrivals.wake();
      },
      unreadable: (partition, offset, reason) => {
        this.options.log?.warn('partition handed to librdkafka: the direct fetch path cannot read its batches', {
          partition: partitionName(partition),
          offset,
          reason: reason.message,
        });
        this.toLibrary(partition, offset);
      },
    };
  }

  /** Hands one partition to librdkafka's fetching, from `offset` on (a batch the direct path cannot read). */
  private toLibrary(partition: TopicPartition, offset: number): void {
    const key = keyOf(partition);
    if (!this.assigned.has(key)) return;
    this.libraryFetched.add(key);
    const { topic, partition: number } = partition;
    this.consumer.seek({ topic, partition: number, offset }, 0, (error) => {
      if (error) {
        this.failure ??= new Error(`handing ${topic}-${number} to librdkafka failed: ${error.message}`, {
          cause: error,
        });
        this.arrivals.wake();
        return;
      }
      this.applyPause();
      this.fetch();
    });
  }

  /** A call that only fails when the consumer is closing (nothing left to pause or release). */
  private safely(call: () => void): void {
    try {
      call();
    } catch {
      // disconnected meanwhile
    }
  }
}
