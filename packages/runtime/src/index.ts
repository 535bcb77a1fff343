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
export { CONVERTER_CLASSES, HEADER_CONVERTER_CLASSES, converterFor } from './converters/converter-config.js';
export type { ErrorPolicy } from './errors/error-policy.js';
export { errorPolicyOf, errorPolicySchema } from './errors/error-policy.js';
export type { ErrantRecord, Stage } from './errors/errant-records.js';
export { ErrantRecordHandler, ToleranceExceededError } from './errors/errant-records.js';
export type { RetryOptions } from './errors/retry.js';
export { RETRY_WITHOUT_LIMIT, TASK_CALL_MAX_DELAY_MS, backoffDelay, withRetries } from './errors/retry.js';
export type { AdministeredOffsetStore, OffsetStore, PartitionOffset } from './stores/offset-store.js';
export { sourceOffsetKey } from './stores/offset-store.js';
export { FileOffsetStore } from './stores/file-offset-store.js';
export type { TaskState, TaskStatus } from './task-status.js';
export { traceOf } from './task-status.js';
export type { SourceRunnerOptions } from './source/source-task-runner.js';
export { SourceTaskRunner } from './source/source-task-runner.js';
export { MalformedRecordError, checkSourceRecords } from './source/source-record-check.js';
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
export type { BrokenPlugin, CatalogEntry, PluginChanges } from './config/connector-catalog.js';
export { ConnectorCatalog } from './config/connector-catalog.js';
export type { ConnectorConfigCheck, ResolvedConnectorConfig } from './config/connector-config.js';
export { UNKNOWN_CLASS_PREFIX, checkConnectorConfig, resolveConnectorConfig } from './config/connector-config.js';
export { MAX_NAME_LENGTH, connectorNameProblem } from './config/connector-name.js';
export type { FrameworkConfig } from './config/framework-config.js';
export { frameworkConfigOf } from './config/framework-config.js';
export type { ClientOverrides, OverrideDefinition, OverridePolicy } from './config/client-overrides.js';
export {
  OVERRIDE_POLICY_NAMES,
  clientOverridesOf,
  clientUseOf,
  clientUsed,
  overrideDefinition,
  overrideKeyOf,
  overridePolicyOf,
} from './config/client-overrides.js';
export { resolveConfigProviders } from './config/config-providers.js';
export type {
  ClusterView,
  ConnectorInfo,
  ConnectorState,
  ConnectorStateInfo,
  ConnectorType,
  Herder,
  InstanceState,
  RestartRequest,
  TaskInfo,
  TaskMetricsEntry,
  TaskRef,
  TaskStateInfo,
} from './herder/herder.js';
export {
  ConnectorExistsError,
  ConnectorNotFoundError,
  HerderStoppingError,
  NotLeaderError,
} from './herder/herder-errors.js';
export type { ConnectorOffset, OffsetsSubject } from './herder/connector-offsets.js';
export { ConnectorOffsets, OffsetsRequestError } from './herder/connector-offsets.js';
export { ChangeQueue } from './herder/change-queue.js';
export type { TaskExecutorOptions } from './executor/task-executor.js';
export { TaskExecutor } from './executor/task-executor.js';
export type { HerderOptions } from './herder/base-herder.js';
export { BaseHerder } from './herder/base-herder.js';
export type { StandaloneHerderOptions } from './standalone/standalone-herder.js';
export { StandaloneHerder } from './standalone/standalone-herder.js';
export type { DurationSummary, TaskMetricsSnapshot } from './metrics/task-metrics.js';
export { TaskMetrics } from './metrics/task-metrics.js';
export type { HistogramSnapshot } from './metrics/latency-histogram.js';
export { LATENCY_BUCKETS_SECONDS, LatencyHistogram } from './metrics/latency-histogram.js';
export type { GroupOffset } from './kafka/group-offsets.js';
export { GroupOffsets } from './kafka/group-offsets.js';
export type { ConfigStore, StoredConnector, TargetState } from './stores/config-store.js';
export { FileConfigStore } from './stores/file-config-store.js';
export type { LogRecord } from './distributed/kafka-log.js';
export { KafkaLog } from './distributed/kafka-log.js';
export { KafkaTable } from './distributed/kafka-table.js';
export type { TaskId, TaskRow } from './distributed/task-status-publisher.js';
export { TaskRows, TaskStatusPublisher } from './distributed/task-status-publisher.js';
export type { TaskHandOverOptions } from './distributed/task-hand-over.js';
export { TaskHandOver } from './distributed/task-hand-over.js';
export { QuietTrigger } from './distributed/quiet-trigger.js';
export { kafkaClusterId } from './distributed/kafka-cluster-id.js';
export { KafkaConfigStore } from './distributed/kafka-config-store.js';
export { KafkaOffsetStore } from './distributed/kafka-offset-store.js';
export type { PlacedTask, Placement } from './distributed/placement.js';
export { placeTasks, taskKey } from './distributed/placement.js';
export type { SlotMembershipOptions } from './distributed/slot-membership.js';
export { SlotMembership } from './distributed/slot-membership.js';
export type { ClusterTopicSettings, ClusterTopics } from './distributed/cluster-topics.js';
export { clusterTopics, ensureClusterTopics } from './distributed/cluster-topics.js';
export type { DistributedHerderOptions } from './distributed/distributed-herder.js';
export { DistributedHerder } from './distributed/distributed-herder.js';
export { FencedError, TransactionalWriter } from './distributed/transactional-writer.js';
export type { FrameworkKeyDefinition } from './config/framework-definitions.js';
export { frameworkDefinitions } from './config/framework-definitions.js';
