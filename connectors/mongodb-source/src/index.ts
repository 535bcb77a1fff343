import { defineSource } from '@sluice/sdk';
import { config } from './config.js';
import { MongoChangeStreamTask } from './source-task.js';
import { taskConfigs } from './task-configs.js';

export type { ChangeStreamScope } from './change-stream-scope.js';
export { collectionsOf, openChangeStream, scopeName } from './change-stream-scope.js';
export { bsonToJson, keyOf } from './bson-to-json.js';
export type { SourceConfig } from './config.js';
export { EventRecords, clusterTimeText } from './event-records.js';
export type { Fragment } from './oversized-events.js';
export { joinFragments } from './oversized-events.js';
export { MongoChangeStreamTask } from './source-task.js';
export type { TaskSettings } from './task-settings.js';
export { startTimestamp, taskSettings } from './task-settings.js';
export type { Namespace, TopicNamer } from './topic-names.js';
export { namespaceMap, topicNamer } from './topic-names.js';
export { taskConfigs } from './task-configs.js';

export default defineSource({
  name: 'MongoDbSource',
  version: '0.1.0',
  description:
    'MongoDB change streams to Kafka: one record per change, keyed by _id, resuming after the last event Kafka holds.',
  config,
  taskConfigs,
  createTask: (taskConfig, ctx) => MongoChangeStreamTask.open(taskConfig, ctx),
});
