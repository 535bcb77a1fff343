// A Kafka admin client for benchmarks (topics, end offsets), from the client library the runtime uses.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Kafka, logLevel } = require('@confluentinc/kafka-javascript').KafkaJS;

/** Runs `body(admin)` with a connected admin on KAFKA_BOOTSTRAP_SERVERS; disconnects after. */
export async function withAdmin(body) {
  const brokers = (process.env.KAFKA_BOOTSTRAP_SERVERS ?? '127.0.0.1:9092').split(',');
  const admin = new Kafka({ kafkaJS: { brokers, logLevel: logLevel.ERROR } }).admin();
  await admin.connect();
  try {
    return await body(admin);
  } finally {
    await admin.disconnect();
  }
}

/** The sum over partitions of the topic's end offsets: its record count when nothing was deleted. */
export async function topicEnd(admin, topic) {
  const partitions = await admin.fetchTopicOffsets(topic);
  return partitions.reduce((sum, p) => sum + Number(p.high ?? p.offset), 0);
}
