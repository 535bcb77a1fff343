/** librdkafka settings as the client takes them: dotted names, string/number/boolean values. */
export type KafkaClientSettings = Record<string, string | number | boolean>;

/**
 * The settings every Sluice Kafka client shares: the bootstrap servers and whatever the worker
 * config passes through (security.protocol, sasl.*, ssl.*). Pass-through keys win, so operators
 * can tune anything librdkafka supports.
 */
export function kafkaClientSettings(
  bootstrapServers: string,
  clientId: string,
  passThrough: KafkaClientSettings = {},
): KafkaClientSettings {
  if (bootstrapServers.trim() === '') {
    throw new Error('bootstrap.servers: must name at least one host:port');
  }
  return {
    'bootstrap.servers': bootstrapServers,
    'client.id': clientId,
    // librdkafka logs connection churn at warning level to stderr by default; the runtime
    // surfaces real failures through errors and status instead.
    log_level: 3,
    ...passThrough,
  };
}
