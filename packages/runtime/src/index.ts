export type { KafkaClientSettings } from './kafka/client-config.js';
export { kafkaClientSettings } from './kafka/client-config.js';
export type { TopicSpec } from './kafka/admin.js';
export { KafkaAdmin } from './kafka/admin.js';
export type { OutgoingMessage } from './kafka/producer.js';
export { KafkaProducer } from './kafka/producer.js';
export type { ConsumerOptions, RebalanceListener } from './kafka/consumer-options.js';
export { KafkaGroupConsumer } from './kafka/consumer.js';
export { nextOffsets } from './kafka/topic-partitions.js';
export type { Converter } from './converters/converter.js';
export { ConversionError } from './converters/converter.js';
export { JsonConverter } from './converters/json-converter.js';
export { byteArrayConverter, stringConverter } from './converters/simple-converters.js';
export { CONVERTER_CLASSES, converterFor } from './converters/converter-config.js';
export type { ErrorPolicy } from './errors/error-policy.js';
export { errorPolicyOf, errorPolicySchema } from './errors/error-policy.js';
export type { ErrantRecord, Stage } from './errors/errant-records.js';
export { ErrantRecordHandler, ToleranceExceededError } from './errors/errant-records.js';
export type { RetryOptions } from './errors/retry.js';
export { withRetries } from './errors/retry.js';
export type { OffsetStore, PartitionOffset } from './stores/offset-store.js';
export { FileOffsetStore } from './stores/file-offset-store.js';
export type { TaskState, TaskStatus } from './task-status.js';
export { traceOf } from './task-status.js';
export type { SourceRunnerOptions } from './source/source-task-runner.js';
export { SourceTaskRunner } from './source/source-task-runner.js';
export type { SinkRunnerOptions } from './sink/sink-runner-options.js';
export { SinkTaskRunner } from './sink/sink-task-runner.js';
export type {
  Predicate,
  PredicatePlugin,
  Transform,
  TransformPlugin,
  TransformRecord,
} from './transforms/transform.js';
export { PREDICATE_PLUGINS, TRANSFORM_PLUGINS, transformChain } from './transforms/transform-chain.js';
export type { ConfigStore, StoredConnector, TargetState } from './stores/config-store.js';
export { FileConfigStore } from './stores/file-config-store.js';
export type { CatalogEntry } from './standalone/connector-catalog.js';
export { ConnectorCatalog } from './standalone/connector-catalog.js';
export type { ResolvedConnectorConfig } from './standalone/connector-config.js';
export { resolveConnectorConfig } from './standalone/connector-config.js';
export type { ConnectorStatus, StandaloneRuntimeOptions } from './standalone/standalone-runtime.js';
export { ConnectorExistsError, ConnectorNotFoundError, StandaloneRuntime } from './standalone/standalone-runtime.js';
export type { DurationSummary, TaskMetricsSnapshot } from './metrics/task-metrics.js';
export { TaskMetrics } from './metrics/task-metrics.js';
export { resolveConfigProviders } from './standalone/config-providers.js';
export type { GroupOffset } from './kafka/group-offsets.js';
export { GroupOffsets } from './kafka/group-offsets.js';
export type { ConnectorOffset } from './standalone/connector-offsets.js';
export { ConnectorOffsets, OffsetsRequestError } from './standalone/connector-offsets.js';
