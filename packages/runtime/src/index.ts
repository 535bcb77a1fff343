export type { KafkaClientSettings } from './kafka/client-config.js';
export { kafkaClientSettings } from './kafka/client-config.js';
export type { TopicSpec } from './kafka/admin.js';
export { KafkaAdmin } from './kafka/admin.js';
