import type * as KafkaLibrary from '@confluentinc/kafka-javascript';

let library: typeof KafkaLibrary | undefined;

/**
 * The Kafka client library, loaded on first use: its native addon (librdkafka) costs start-up
 * time and memory that a worker running no connector does not need.
 */
export function kafkaLibrary(): typeof KafkaLibrary {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  library ??= require('@confluentinc/kafka-javascript') as typeof KafkaLibrary;
  return library;
}
