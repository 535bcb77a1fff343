import type { LibrdKafkaError, Message, TopicPartitionOffset } from '@confluentinc/kafka-javascript';
import type { TopicPartition } from '@sluice/sdk';
import type { KafkaClientSettings } from './client-config.js';
import { CommitConfirmations } from './commit-confirmations.js';
import { connectClient, disconnectClient } from './connect.js';
import type { ConsumerOptions } from './consumer-options.js';
import { FetchedMessages } from './fetched-messages.js';
import { FetchRoutes } from './fetch-routes.js';
import { kafkaLibrary } from './library.js';
import type { LibraryConsumer } from './library-consumer.js';
import { libraryConsumer } from './library-consumer.js';
import { MissingTopicWatch } from './missing-topics.js';
import { inPartitions, keyOf } from './topic-partitions.js';

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
 * A group consumer with auto-commit off: offsets are committed only by commit(), with exactly
 * the positions the caller says are durable. Assignment is cooperative-sticky, so a rebalance
 * moves only the partitions that must move.
 *
 * Two fetch paths (FetchRoutes). Over plaintext, records come by the DirectFetcher while
 * librdkafka keeps the membership, commits and metadata, its own fetching paused for every
 * partition but those handed to it (a batch the direct path cannot read). Otherwise, and with
 * SLUICE_KAFKA_FETCH=library, librdkafka fetches everything.
 *
 * Event-driven: librdkafka tells (queue_non_empty_cb) when its queue holds something (messages,
 * rebalances), and a fetch then takes what is ready without waiting, so no caller ever holds one
 * of libuv's four pool threads while it waits for data. Fetched messages wait in a bounded
 * buffer (FetchedMessages); past its bounds fetching stops until consume() drained it to half,
 * and a buffer that stays full pauses every librdkafka-fetched partition until then.
 *
 * Invariant: the buffer holds only messages of partitions currently assigned and not being
 * revoked, in Kafka order per partition; no fetch of messages starts while the buffer is full
 * (librdkafka's polls go on only while its partitions are paused); a partition librdkafka fetches
 * is paused in it exactly while the caller paused the consumer or the buffer stalled (or it is
 * being revoked); every other assigned partition is paused in librdkafka and fetched by the
 * DirectFetcher.
 */
export class KafkaGroupConsumer {
  private readonly consumer: LibraryConsumer;
  private readonly buffer: FetchedMessages;
  private readonly commits = new CommitConfirmations(60_000);
  private readonly assigned = new Map<string, TopicPartition>();
  private readonly routes: FetchRoutes;
  private readonly pollTimeoutMs: number;
  private revocations: Promise<void> = Promise.resolve();
  private keepAlive: NodeJS.Timeout | undefined;
  private connected = false;
  private fetching = false;
  private fetchAgain = false;
  private callerPaused = false;
  private failure: Error | undefined;
  private missingTopics: MissingTopicWatch | undefined;

  constructor(
    private readonly settings: KafkaClientSettings,
    private readonly options: ConsumerOptions,
  ) {
    this.pollTimeoutMs = options.pollTimeoutMs ?? 100;
    this.buffer = new FetchedMessages(
      options.maxBufferedMessages ?? 10_000,
      options.maxBufferedBytes ?? 16 * 1024 * 1024,
      {
        stalled: () => this.repoll(),
        drained: (wasStalled) => {
          if (wasStalled) this.applyPause();
          this.fetch();
          this.routes.wake();
        },
      },
    );
    this.consumer = libraryConsumer(settings, options, {
      rebalance: (error, partitions) => this.onRebalance(error, partitions),
      committed: (error, offsets) => this.commits.settle(error, offsets),
      queued: () => this.fetch(),
    });
    this.routes = new FetchRoutes(this.consumer, settings, options, {
      room: () => (this.connected ? this.buffer.room() : { messages: 0, bytes: 0 }),
      deliver: (messages) => this.accept(messages),
      failed: (error) => this.fail(error),
      isAssigned: (partition) => this.assigned.has(keyOf(partition)),
      handedOver: () => this.repoll(),
    });
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
      await this.buffer.wait(Math.min(100, deadline - Date.now() + 1));
    }
  }

  /**
   * Up to `max` messages, in Kafka order per partition; an empty array when none arrived within
   * `waitMs`, or sooner when the assignment changed or interrupt() was called. Rejects with the
   * consumer's failure (e.g. fenced by a newer member) once what was fetched before it is out.
   */
  async consume(max: number, waitMs = this.pollTimeoutMs): Promise<Message[]> {
    if (this.buffer.length === 0 && !this.failure && waitMs > 0) await this.buffer.wait(waitMs);
    if (this.buffer.length === 0 && this.failure) throw this.failure;
    return this.buffer.take(max);
  }

  /** Makes a waiting consume() return now (with what it has, maybe nothing). */
  interrupt(): void {
    this.buffer.wake();
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
    return this.connected ? this.routes.lag(this.assignment()) : 0;
  }

  /** Assigned partitions librdkafka fetches, not the direct path (all of them when it is off). */
  libraryFetchedPartitions(): number {
    return this.routes.libraryPartitions(this.assignment()).length;
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
      this.buffer.close();
      this.commits.failAll(new Error('offset commit not confirmed: the consumer closed'));
    }
    this.routes.close();
    await disconnectClient(this.consumer);
  }

  /** One fetch at a time; a request during a fetch (or a full fetch) fetches again after it. */
  private fetch(): void {
    if (!this.connected || (this.buffer.full && !this.buffer.stalled && this.routes.libraryFetchesMessages())) return;
    if (this.fetching) {
      this.fetchAgain = true;
      return;
    }
    this.fetching = true;
    this.fetchAgain = false;
    this.consumer.consume(FETCH_SIZE, (error, messages) => {
      this.fetching = false;
      if (error) this.fetchFailed(error);
      else this.accept(messages, this.routes.libraryHeld(this.assigned));
      // until a fetch comes back empty: librdkafka wakes us only when its queue was empty
      if (error) this.retryFetch();
      else if (this.fetchAgain || messages.length > 0) this.fetch();
    });
  }

  /** Takes fetched messages of the partitions in `held` (default: every assigned one). */
  private accept(messages: readonly Message[], held: { has(key: string): boolean } = this.assigned): void {
    if (messages.length > 0) this.buffer.add(messages, inPartitions(held));
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
    this.fail(new Error(`consuming failed: ${error.message}`, { cause: error }));
  }

  /** The first failure is kept; consume() rejects with it once what was fetched before it is out. */
  private fail(error: Error): void {
    this.failure ??= error;
    this.buffer.wake();
  }

  private onRebalance(error: LibrdKafkaError | undefined, partitions: readonly TopicPartitionOffset[]): void {
    const list = partitions.map(({ topic, partition }) => ({ topic, partition }));
    if (error?.code === ASSIGN_PARTITIONS) this.assign(list);
    else if (error?.code === REVOKE_PARTITIONS) this.revoke(list);
    else this.failure ??= new Error(`rebalance failed: ${error?.message ?? 'unknown error'}`, { cause: error });
    this.buffer.wake();
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
    if (this.routes.isDirect || this.callerPaused || this.buffer.stalled)
      this.safely(() => this.consumer.pause(partitions));
    else this.safely(() => this.consumer.resume(partitions));
    this.routes.assign(partitions);
    this.options.rebalance?.assigned(partitions);
  }

  private revoke(partitions: TopicPartition[]): void {
    const lost = this.consumer.assignmentLost();
    const keys = new Set(partitions.map(keyOf));
    for (const key of keys) this.assigned.delete(key);
    this.routes.revoke(partitions);
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
    while (this.assigned.size > 0 && Date.now() < deadline) await this.buffer.wait(50);
    await this.revocations;
  }

  /** Which partitions librdkafka fetches changed: pause or resume them, then poll. */
  private repoll(): void {
    this.applyPause();
    this.fetch();
  }

  private applyPause(): void {
    if (!this.connected) return;
    this.routes.setPaused(this.callerPaused);
    const partitions = this.routes.libraryPartitions(this.assignment());
    if (partitions.length === 0) return;
    if (this.callerPaused || this.buffer.stalled) this.safely(() => this.consumer.pause(partitions));
    else this.safely(() => this.consumer.resume(partitions));
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
