export type { SinkRecord, SourceOffset, SourcePartition, SourceRecord } from './records.js';
export { isTombstone } from './records.js';
export { ConfigError, RetriableError } from './errors.js';
