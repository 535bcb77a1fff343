import { defineSource } from '@sluice/sdk';
import { config } from './config.js';
import { openTask } from './source-task.js';

export type { ChangeStreamScope } from './change-stream-scope.js';
export { openChangeStream, scopeName } from './change-stream-scope.js';
export { bsonToJson, keyOf } from './bson-to-json.js';
export type { SourceConfig } from './config.js';
export { MongoChangeStreamTask } from './source-task.js';

export default defineSource({
  name: 'MongoDbSource',
  version: '0.1.0',
  description:
    'MongoDB change streams to Kafka: one record per change, keyed by _id, resuming after the last event Kafka holds.',
  config,
  createTask: (taskConfig, ctx) => openTask(taskConfig, ctx),
});
