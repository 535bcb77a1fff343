import type { KafkaConsumer, Message } from '@confluentinc/kafka-javascript';
import type { TopicPartition } from '@sluice/sdk';
import { keyOf } from '../topic-partitions.js';
import { BrokerConnection } from './broker-connection.js';
import type { FetchedPartition, FetchLimits } from './fetch-protocol.js';
import {
  ERROR_NONE,
  ERROR_OFFSET_OUT_OF_RANGE,
  FETCH_API_KEY,
  FETCH_VERSION,
  fetchRequest,
  fetchResponse,
  RETRIABLE_PARTITION_ERRORS,
} from './fetch-protocol.js';
import { decodeRecordBatches, UnreadableBatch } from './record-batches.js';
import type { ResetPolicy } from './start-positions.js';
import { committedOffsets, NoStartOffset, resetOffset, topicMetadata } from './start-positions.js';

/** What the fetcher serves: the group consumer that owns the partitions. */
export interface FetchHost {
  /** Room for more messages and payload bytes; none of either stops fetching. */
  room(): { readonly messages: number; readonly bytes: number };
  /** Messages in Kafka order per partition, of partitions assigned when their fetch was sent. */
  deliver(messages: Message[]): void;
  /** A failure that stops consuming (e.g. not authorized, auto.offset.reset=error). */
  failed(error: Error): void;
  /** A partition with a batch this path cannot decode: the host reads it on from `offset` itself. */
  unreadable(partition: TopicPartition, offset: number, reason: Error): void;
}

export interface DirectFetchSettings extends FetchLimits {
  readonly clientId: string;
  readonly requestTimeoutMs: number;
  readonly reset: ResetPolicy;
}

interface PartitionState extends TopicPartition {
  /** The next offset to fetch; undefined until the start position is known. */
  offset: number | undefined;
  highWatermark: number | undefined;
  /** Leader broker id; undefined until known (or after the leader moved). */
  leader: number | undefined;
  /** Its start position is being asked for. */
  resolving: boolean;
  /** The broker said its offset is out of range: it restarts where auto.offset.reset says. */
  outOfRange: boolean;
}

const RETRY_MS = 200;

/**
 * Fetches the assigned partitions' records itself, straight from their leaders (Fetch v11 over
 * plaintext), while librdkafka keeps the group membership, the commits and the metadata. The
 * client library builds a native object per message with 8–9 property sets from C++, which
 * costs most of a sink's CPU; decoding record batches in JavaScript costs a tenth of it
 * (bench/reports/filestream-profile.md).
 *
 * At most one fetch is in flight per broker; the next is sent when its answer is decoded, if
 * the host has room and the fetcher is not paused. A fetch asks for no more bytes than the
 * host's room (in bytes, and in messages at the last answer's bytes per message), so the host
 * holds at most its bounds plus one record batch per partition. A partition starts at its committed offset,
 * or where auto.offset.reset says (also after OFFSET_OUT_OF_RANGE).
 *
 * Invariant: a partition's records are delivered in offset order, each at most once per
 * assignment: an answer counts only for the partition state it was asked for, at the offset
 * asked; a revoked or re-assigned partition's late answer is dropped.
 */
export class DirectFetcher {
  private readonly partitions = new Map<string, PartitionState>();
  private readonly connections = new Map<number, BrokerConnection>();
  private readonly brokers = new Map<number, { host: string; port: number }>();
  private readonly fetching = new Set<number>();
  private readonly lookingUp = new Set<string>();
  private paused = false;
  private closed = false;
  private retryTimer: NodeJS.Timeout | undefined;
  /**
   * Bytes of a fetch answer per message, from the last answer with messages. The first guess is
   * small (a short JSON record in a batch), so a first fetch does not overshoot the host's
   * message bound by much; the next fetch knows better.
   */
  private bytesPerMessage = 64;

  constructor(
    private readonly consumer: KafkaConsumer,
    private readonly settings: DirectFetchSettings,
    private readonly host: FetchHost,
  ) {}

  /** Starts fetching `partitions` from their committed offsets. */
  assign(partitions: readonly TopicPartition[]): void {
    const states = partitions.map(({ topic, partition }) => ({
      topic,
      partition,
      offset: undefined,
      highWatermark: undefined,
      leader: undefined,
      resolving: false,
      outOfRange: false,
    }));
    for (const state of states) this.partitions.set(keyOf(state), state);
    this.schedule();
  }

  /** Stops fetching `partitions`; answers in flight for them are dropped. */
  revoke(partitions: readonly TopicPartition[]): void {
    for (const partition of partitions) this.partitions.delete(keyOf(partition));
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
    this.schedule();
  }

  /** The host has room again (or something else changed): fetch what can be fetched. */
  wake(): void {
    this.schedule();
  }

  /** Records in Kafka past the fetch positions, from the high watermarks of the last answers. */
  lag(): number {
    let lag = 0;
    for (const { offset, highWatermark } of this.partitions.values()) {
      if (offset !== undefined && highWatermark !== undefined && highWatermark > offset) lag += highWatermark - offset;
    }
    return lag;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.partitions.clear();
    for (const connection of this.connections.values()) connection.close();
    this.connections.clear();
  }

  /** Asks where each partition of `states` starts: its committed offset, else auto.offset.reset's. */
  private async resolveStart(states: PartitionState[]): Promise<void> {
    for (const state of states) state.resolving = true;
    try {
      const committed = await committedOffsets(this.consumer, states);
      await Promise.all(
        states.map(async (state, index) => {
          const known = state.outOfRange ? undefined : committed[index];
          const offset = known ?? (await resetOffset(this.consumer, state, this.settings.reset));
          if (!this.isCurrent(state)) return;
          state.offset = offset;
          state.outOfRange = false;
        }),
      );
    } catch (error) {
      if (error instanceof NoStartOffset) this.host.failed(error);
      // otherwise the coordinator may be busy with a rebalance: asked again shortly
      else this.later();
    } finally {
      for (const state of states) state.resolving = false;
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.closed || this.paused) return;
    const room = this.host.room();
    if (room.messages <= 0 || room.bytes <= 0) return;
    const byLeader = new Map<number, PartitionState[]>();
    const unresolved: PartitionState[] = [];
    for (const state of this.partitions.values()) {
      if (state.offset === undefined) {
        if (!state.resolving) unresolved.push(state);
        continue;
      }
      if (state.leader === undefined || !this.brokers.has(state.leader)) {
        this.lookUpLeader(state.topic);
        continue;
      }
      const list = byLeader.get(state.leader);
      if (list) list.push(state);
      else byLeader.set(state.leader, [state]);
    }
    if (unresolved.length > 0) void this.resolveStart(unresolved);
    const budget = Math.max(1, Math.min(room.bytes, room.messages * this.bytesPerMessage));
    for (const [leader, states] of byLeader)
      if (!this.fetching.has(leader)) void this.fetchFrom(leader, states, budget);
  }

  /** One fetch of at most `budget` bytes (Kafka sends a first batch whole even when larger). */
  private async fetchFrom(leader: number, states: PartitionState[], budget: number): Promise<void> {
    this.fetching.add(leader);
    const asked = new Map(states.map((state) => [keyOf(state), { state, offset: state.offset as number }]));
    try {
      const request = fetchRequest(
        [...asked.values()].map(({ state, offset }) => ({ topic: state.topic, partition: state.partition, offset })),
        {
          ...this.settings,
          maxBytes: Math.min(this.settings.maxBytes, budget),
          partitionMaxBytes: Math.min(this.settings.partitionMaxBytes, budget),
        },
      );
      const body = await this.connection(leader).request(
        FETCH_API_KEY,
        FETCH_VERSION,
        request,
        this.settings.requestTimeoutMs + this.settings.maxWaitMs,
      );
      this.answered(fetchResponse(body), asked);
    } catch {
      this.connections.get(leader)?.close();
      this.connections.delete(leader);
      for (const { state } of asked.values()) state.leader = undefined; // asked again after the pause
      this.fetching.delete(leader);
      this.later(); // nothing once closed: close() is the only failure that is not retried
      return;
    }
    this.fetching.delete(leader);
    this.schedule();
  }

  private answered(
    partitions: readonly FetchedPartition[],
    asked: ReadonlyMap<string, { state: PartitionState; offset: number }>,
  ): void {
    const messages: Message[] = [];
    let retry = false;
    let bytes = 0;
    for (const fetched of partitions) {
      const entry = asked.get(keyOf(fetched));
      if (!entry || !this.isCurrent(entry.state) || entry.state.offset !== entry.offset) continue;
      bytes += fetched.records.length;
      retry = this.took(entry.state, fetched, entry.offset, messages) || retry;
    }
    if (messages.length > 0) {
      this.bytesPerMessage = Math.max(1, Math.ceil(bytes / messages.length));
      this.host.deliver(messages);
    }
    if (retry) this.later();
  }

  /** One partition's part of an answer; true when it should be asked again after a pause. */
  private took(state: PartitionState, fetched: FetchedPartition, offset: number, out: Message[]): boolean {
    if (fetched.errorCode === ERROR_NONE) {
      state.highWatermark = fetched.highWatermark;
      try {
        const aborted = this.settings.isolationLevel === 1 ? fetched.aborted : undefined;
        state.offset = decodeRecordBatches(
          state.topic,
          state.partition,
          fetched.records,
          offset,
          aborted,
          out,
        ).nextOffset;
      } catch (error) {
        this.partitions.delete(keyOf(state));
        const reason =
          error instanceof UnreadableBatch ? error : new Error(`undecodable fetch answer: ${String(error)}`);
        this.host.unreadable(state, offset, reason);
      }
      return false;
    }
    if (fetched.errorCode === ERROR_OFFSET_OUT_OF_RANGE) {
      // asked again by the next schedule; the committed offset, if any, is the one out of range
      state.offset = undefined;
      state.outOfRange = true;
      return false;
    }
    if (RETRIABLE_PARTITION_ERRORS.has(fetched.errorCode)) {
      state.leader = undefined;
      return true;
    }
    this.host.failed(
      new Error(`fetching ${state.topic}-${state.partition} refused: Kafka error code ${fetched.errorCode}`),
    );
    return false;
  }

  private lookUpLeader(topic: string): void {
    if (this.lookingUp.has(topic) || this.closed) return;
    this.lookingUp.add(topic);
    topicMetadata(this.consumer, topic)
      .then((metadata) => {
        for (const broker of metadata.brokers) this.brokers.set(broker.id, { host: broker.host, port: broker.port });
        const partitions = metadata.topics.find((entry) => entry.name === topic)?.partitions ?? [];
        for (const state of this.partitions.values()) {
          if (state.topic !== topic) continue;
          const leader = partitions.find((entry) => entry.id === state.partition)?.leader;
          state.leader = leader !== undefined && leader >= 0 ? leader : undefined;
        }
      })
      .catch(() => undefined) // asked again at the next schedule
      .finally(() => {
        this.lookingUp.delete(topic);
        const known = [...this.partitions.values()].every(
          (state) => state.topic !== topic || state.leader !== undefined,
        );
        if (known) this.schedule();
        else this.later();
      });
  }

  private connection(broker: number): BrokerConnection {
    let connection = this.connections.get(broker);
    if (connection && !connection.broken) return connection;
    const address = this.brokers.get(broker);
    if (!address) throw new Error(`broker ${broker} is not in the metadata`);
    connection = new BrokerConnection(address.host, address.port, this.settings.clientId);
    this.connections.set(broker, connection);
    return connection;
  }

  private isCurrent(state: PartitionState): boolean {
    return !this.closed && this.partitions.get(keyOf(state)) === state;
  }

  /** Schedules again after RETRY_MS (one timer, however many ask). */
  private later(): void {
    if (this.closed || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.schedule();
    }, RETRY_MS);
    this.retryTimer.unref();
  }
}
