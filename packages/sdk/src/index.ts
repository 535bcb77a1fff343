export type { SinkRecord, SourceOffset, SourcePartition, SourceRecord, TopicPartition } from './records.js';
export { isTombstone } from './records.js';
export {
  CONFIG_ERROR_BRAND,
  ConfigError,
  ConnectorDefinitionError,
  RETRIABLE_ERROR_BRAND,
  RetriableError,
  isConfigError,
  isRetriableError,
} from './errors.js';
export type { ConfigOf, ConfigSchema, FieldMeta, Importance } from './config-schema.js';
export { REDACTED, Secret, fieldMeta, redact, secretKeys } from './config-schema.js';
export type { ConnectConfigType, FieldDefinition, FieldResult, ValidationResult } from './config-validation.js';
export { ConfigValidator, createAjv } from './config-validation.js';
export { isFrameworkKey, splitFrameworkKeys } from './framework-keys.js';
export type { Logger, SinkTask, SinkTaskContext, SourceTask, SourceTaskContext, TaskContext } from './task.js';
export type {
  ConfigProblem,
  Connector,
  SinkConnector,
  SinkDefinition,
  SourceConnector,
  SourceDefinition,
} from './connector.js';
export { defineSink, defineSource, taskConfigsOf } from './connector.js';
export { pause } from './pause.js';
export { configTable, updateReadmeTable } from './config-docs.js';
export { Type } from '@sinclair/typebox';
export type { JsonTextScan } from './json-text.js';
export { scanJsonText } from './json-text.js';
