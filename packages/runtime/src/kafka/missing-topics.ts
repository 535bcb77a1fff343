import type { KafkaConsumer } from '@confluentinc/kafka-javascript';

/** How often the metadata of a subscribed topic that does not exist yet is asked for. */
const CHECK_MS = 250;
/** Longest one metadata request may hold its libuv pool thread. */
const REQUEST_TIMEOUT_MS = 1000;

/**
 * Makes a consumer see a subscribed topic soon after it is created. librdkafka re-reads the
 * subscription's metadata every topic.metadata.refresh.interval.ms (10 s here), so a sink that
 * subscribed before its source created the topic waited up to 10 s for its first record
 * (~9 s measured, bench/reports/pipeline-latency.md). A metadata request for the topic itself
 * updates the subscription at once: this asks for each missing topic every 250 ms, one request
 * in flight, until every topic has partitions (or stop()).
 * Invariant: no timer is left once stop() was called or nothing is missing.
 */
export class MissingTopicWatch {
  private readonly missing: Set<string>;
  private timer: NodeJS.Timeout | undefined;
  private asking = false;

  constructor(
    private readonly consumer: KafkaConsumer,
    topics: readonly string[],
  ) {
    this.missing = new Set(topics);
  }

  start(): void {
    if (this.missing.size === 0 || this.timer) return;
    this.timer = setInterval(() => this.check(), CHECK_MS);
    this.timer.unref();
    this.check();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private check(): void {
    const topic = this.missing.values().next().value as string | undefined;
    if (topic === undefined) return this.stop();
    if (this.asking) return;
    this.asking = true;
    this.consumer.getMetadata({ topic, timeout: REQUEST_TIMEOUT_MS }, (error, metadata) => {
      this.asking = false;
      const found = metadata?.topics.find((described) => described.name === topic);
      if (!error && found && found.partitions.length > 0) this.missing.delete(topic);
      if (this.missing.size === 0) this.stop();
    });
  }
}
