import type { IAdminClient, NewTopic } from '@confluentinc/kafka-javascript';
import type { KafkaClientSettings } from './client-config.js';
import { kafkaLibrary } from './library.js';

const TOPIC_ALREADY_EXISTS = 36;

export interface TopicSpec {
  readonly topic: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly config?: Readonly<Record<string, string>>;
}

/** The admin operations the runtime needs, as promises. */
export class KafkaAdmin {
  private readonly client: IAdminClient;

  constructor(settings: KafkaClientSettings) {
    this.client = kafkaLibrary().AdminClient.create(settings);
  }

  /** Creates the topic unless it exists; resolves true when this call created it. */
  ensureTopic(spec: TopicSpec, timeoutMs = 10_000): Promise<boolean> {
    const topic: NewTopic = {
      topic: spec.topic,
      num_partitions: spec.partitions,
      replication_factor: spec.replicationFactor,
      config: { ...spec.config },
    };
    return new Promise((resolve, reject) => {
      this.client.createTopic(topic, timeoutMs, (error) => {
        if (!error) resolve(true);
        else if (error.code === TOPIC_ALREADY_EXISTS) resolve(false);
        else reject(new Error(`creating topic ${spec.topic} failed: ${error.message}`, { cause: error }));
      });
    });
  }

  /**
   * Resolves once the controller has accepted the deletion. The brokers finish it asynchronously,
   * so metadata (and `listTopics`) may still name the topic for a moment after.
   */
  deleteTopic(topic: string, timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      this.client.deleteTopic(topic, timeoutMs, (error) => {
        if (error) reject(new Error(`deleting topic ${topic} failed: ${error.message}`, { cause: error }));
        else resolve();
      });
    });
  }

  /** Number of partitions of an existing topic. */
  partitionCount(topic: string, timeoutMs = 10_000): Promise<number> {
    return new Promise((resolve, reject) => {
      this.client.describeTopics([topic], { timeout: timeoutMs }, (error, descriptions) => {
        const described = descriptions?.[0];
        if (error || !described || described.error) {
          reject(new Error(`describing topic ${topic} failed: ${(error ?? described?.error)?.message ?? 'no answer'}`));
        } else resolve(described.partitions.length);
      });
    });
  }

  listTopics(timeoutMs = 10_000): Promise<string[]> {
    return new Promise((resolve, reject) => {
      this.client.listTopics({ timeout: timeoutMs }, (error, topics) => {
        if (error) reject(new Error(`listing topics failed: ${error.message}`, { cause: error }));
        else resolve(topics);
      });
    });
  }

  close(): void {
    this.client.disconnect();
  }
}
