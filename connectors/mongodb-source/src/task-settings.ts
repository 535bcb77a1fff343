import { Timestamp } from 'mongodb';
import type { ChangeStreamOptions, Document } from 'mongodb';
import { ConfigError } from '@sluice/sdk';
import type { ChangeStreamScope } from './change-stream-scope.js';
import type { SourceConfig } from './config.js';
import { topicNamer } from './topic-names.js';
import type { TopicNamer } from './topic-names.js';

/** What a task derives from its config once, with every bad value named as a ConfigError. */
export interface TaskSettings {
  readonly scope: ChangeStreamScope;
  /** The user's stages (then the split stage for oversized.event.policy=split). */
  readonly pipeline: Document[];
  readonly streamOptions: ChangeStreamOptions;
  /** Whether a namespace `db.coll` is published (include/exclude lists). */
  readonly publishes: (namespace: string) => boolean;
  /** The topic of a namespace's records (topic.prefix, topic.suffix, topic.namespace.map). */
  readonly topicOf: TopicNamer;
  /** startup.mode=timestamp: where the stream starts. */
  readonly startAt?: Timestamp;
}

export function taskSettings(config: SourceConfig): TaskSettings {
  if (config['full.document'] === 'off' && config['output.format'] === 'document')
    throw new ConfigError('full.document', 'off needs output.format=envelope (a document record needs the document)');
  const split = config['oversized.event.policy'] === 'split' ? [{ $changeStreamSplitLargeEvent: {} }] : [];
  const startAt = config['startup.mode'] === 'timestamp' ? startTimestamp(config['startup.timestamp']) : undefined;
  return {
    scope: scopeOf(config),
    pipeline: [...pipelineOf(config.pipeline), ...split],
    streamOptions: streamOptionsOf(config),
    publishes: namespaceFilter(config['namespace.include.list'], config['namespace.exclude.list']),
    topicOf: topicNamer(config),
    ...(startAt ? { startAt } : {}),
  };
}

function scopeOf(config: SourceConfig): ChangeStreamScope {
  const collections = (config.collection ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  if (collections.length > 0 && config.database === undefined)
    throw new ConfigError('collection', 'needs database to be set too');
  return {
    ...(config.database === undefined ? {} : { database: config.database }),
    ...(collections.length === 1 ? { collection: collections[0] } : {}),
    ...(collections.length > 1 ? { collections } : {}),
  };
}

function streamOptionsOf(config: SourceConfig): ChangeStreamOptions {
  const before = config['full.document.before.change'];
  return {
    maxAwaitTimeMS: config['poll.await.ms'],
    batchSize: config['batch.size'],
    ...(config['full.document'] === 'off' ? {} : { fullDocument: config['full.document'] }),
    ...(before === 'off' ? {} : { fullDocumentBeforeChange: before }),
  };
}

function pipelineOf(raw: string): Document[] {
  let stages: unknown;
  try {
    stages = JSON.parse(raw);
  } catch (error) {
    throw new ConfigError('pipeline', `is not JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(stages) || !stages.every((stage) => typeof stage === 'object' && stage !== null))
    throw new ConfigError('pipeline', 'must be a JSON array of aggregation stages (objects)');
  return stages as Document[];
}

/** Anchored regular expressions from a comma-separated list (a plain `db.coll` matches itself). */
function patternsOf(field: string, raw: string): RegExp[] {
  return raw
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      try {
        return new RegExp(`^(?:${entry})$`);
      } catch (error) {
        throw new ConfigError(field, `"${entry}" is not a regular expression: ${(error as Error).message}`);
      }
    });
}

function namespaceFilter(include: string, exclude: string): (namespace: string) => boolean {
  const included = patternsOf('namespace.include.list', include);
  const excluded = patternsOf('namespace.exclude.list', exclude);
  if (included.length === 0 && excluded.length === 0) return () => true;
  return (namespace) =>
    (included.length === 0 || included.some((pattern) => pattern.test(namespace))) &&
    !excluded.some((pattern) => pattern.test(namespace));
}

/** `<seconds>.<increment>` (the mongodb.cluster.time header) or an ISO-8601 date-time. */
export function startTimestamp(raw: string): Timestamp {
  const clusterTime = /^(\d+)\.(\d+)$/.exec(raw.trim());
  if (clusterTime) return new Timestamp({ t: Number(clusterTime[1]), i: Number(clusterTime[2]) });
  const ms = Date.parse(raw);
  if (raw.trim() === '' || Number.isNaN(ms))
    throw new ConfigError(
      'startup.timestamp',
      `startup.mode=timestamp needs an ISO-8601 date-time or a cluster time <seconds>.<increment>, not "${raw}"`,
    );
  return new Timestamp({ t: Math.floor(ms / 1000), i: 0 });
}
