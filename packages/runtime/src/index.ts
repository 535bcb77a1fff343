export type { KafkaClientSettings } from './kafka/client-config.js';
export { kafkaClientSettings } from './kafka/client-config.js';
export type { TopicSpec } from './kafka/admin.js';
export { KafkaAdmin } from './kafka/admin.js';
export type { OutgoingMessage } from './kafka/producer.js';
export { KafkaProducer } from './kafka/producer.js';
export type { ConsumerOptions } from './kafka/consumer.js';
export { KafkaGroupConsumer, nextOffsets } from './kafka/consumer.js';
