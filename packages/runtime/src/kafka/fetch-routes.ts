import type { Message } from '@confluentinc/kafka-javascript';
import type { TopicPartition } from '@sluice/sdk';
import type { KafkaClientSettings } from './client-config.js';
import type { ConsumerOptions } from './consumer-options.js';
import { directFetchSettings } from './fetch/direct-fetch-settings.js';
import type { FetchHost } from './fetch/direct-fetcher.js';
import { DirectFetcher } from './fetch/direct-fetcher.js';
import type { LibraryConsumer } from './library-consumer.js';
import { autoOffsetResetOf } from './library-consumer.js';
import { keyOf, partitionName } from './topic-partitions.js';

/** What the routes serve: the group consumer that owns the partitions and their messages. */
export interface FetchRoutesHost {
  room(): { readonly messages: number; readonly bytes: number };
  deliver(messages: readonly Message[]): void;
  /** A failure that stops consuming. */
  failed(error: Error): void;
  isAssigned(partition: TopicPartition): boolean;
  /** A partition now fetched by librdkafka, from where the direct path stopped: resume and poll it. */
  handedOver(): void;
}

/**
 * Which of two paths fetches each assigned partition of a group consumer. Over plaintext it is
 * the DirectFetcher (Fetch requests sent and decoded in JavaScript, at a tenth of the library's
 * CPU per message), unless a partition had a batch that path cannot read (lz4, snappy or zstd,
 * an old message format): that partition is handed to librdkafka from that batch's offset, with
 * a warning. Otherwise (TLS, SASL, SLUICE_KAFKA_FETCH=library) librdkafka fetches everything.
 *
 * Invariant: with the direct path, a partition is in `handedOver` only while assigned and only
 * after the direct path dropped it, so no partition is fetched by both.
 */
export class FetchRoutes {
  private readonly direct: DirectFetcher | undefined;
  private readonly handedOver = new Set<string>();

  constructor(
    private readonly consumer: LibraryConsumer,
    settings: KafkaClientSettings,
    private readonly options: ConsumerOptions,
    private readonly host: FetchRoutesHost,
  ) {
    const direct = directFetchSettings(settings, autoOffsetResetOf(settings, options));
    this.direct = direct && new DirectFetcher(consumer, direct, this.directHost());
  }

  /** Whether the direct path fetches (partitions librdkafka does not fetch stay paused in it). */
  get isDirect(): boolean {
    return this.direct !== undefined;
  }

  /** Of `assigned`, the partitions librdkafka fetches: all of them without the direct path. */
  libraryPartitions(assigned: TopicPartition[]): TopicPartition[] {
    if (!this.direct) return assigned;
    return assigned.filter((partition) => this.handedOver.has(keyOf(partition)));
  }

  /**
   * Of `assigned` (partition keys), those whose messages from librdkafka are taken: all without
   * the direct path, else only handed-over ones. A message librdkafka fetched for a direct
   * partition (in the moment between an assignment and its pause) would be a second copy.
   */
  libraryHeld(assigned: { has(key: string): boolean }): { has(key: string): boolean } {
    if (!this.direct) return assigned;
    return { has: (key) => this.handedOver.has(key) && assigned.has(key) };
  }

  /** Whether librdkafka's polls may bring messages (not only rebalances and errors). */
  libraryFetchesMessages(): boolean {
    return !this.direct || this.handedOver.size > 0;
  }

  /** Assigned partitions librdkafka fetches after a hand-over (a figure for /metrics). */
  get handedOverCount(): number {
    return this.handedOver.size;
  }

  assign(partitions: readonly TopicPartition[]): void {
    this.direct?.assign(partitions);
  }

  revoke(partitions: readonly TopicPartition[]): void {
    for (const partition of partitions) this.handedOver.delete(keyOf(partition));
    this.direct?.revoke(partitions);
  }

  /** The direct path stops (or goes on) fetching; librdkafka's partitions are the owner's to pause. */
  setPaused(paused: boolean): void {
    this.direct?.setPaused(paused);
  }

  /** The host has room again: the direct path fetches what it can. */
  wake(): void {
    this.direct?.wake();
  }

  /** Records in Kafka beyond the fetch positions of `assigned`, summed (from cached watermarks). */
  lag(assigned: TopicPartition[]): number {
    let lag = this.direct?.lag() ?? 0;
    for (const { topic, partition, offset } of this.consumer.position(this.libraryPartitions(assigned))) {
      try {
        const { highOffset } = this.consumer.getWatermarkOffsets(topic, partition);
        if (offset >= 0 && highOffset >= offset) lag += highOffset - offset;
      } catch {
        // no watermark fetched yet for this partition
      }
    }
    return lag;
  }

  close(): void {
    this.direct?.close();
  }

  private directHost(): FetchHost {
    return {
      room: () => this.host.room(),
      deliver: (messages) => this.host.deliver(messages),
      failed: (error) => this.host.failed(new Error(`consuming failed: ${error.message}`, { cause: error })),
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

  /** Hands one partition to librdkafka's fetching, from `offset` on. */
  private toLibrary(partition: TopicPartition, offset: number): void {
    if (!this.host.isAssigned(partition)) return;
    this.handedOver.add(keyOf(partition));
    const { topic, partition: number } = partition;
    this.consumer.seek({ topic, partition: number, offset }, 0, (error) => {
      if (error) {
        this.host.failed(
          new Error(`handing ${topic}-${number} to librdkafka failed: ${error.message}`, { cause: error }),
        );
        return;
      }
      this.host.handedOver();
    });
  }
}
