import { MongoClient } from 'mongodb';
import type { ChangeStream, ChangeStreamDocument, ChangeStreamOptions, ResumeToken } from 'mongodb';
import type { SourceRecord, SourceTask, SourceTaskContext } from '@sluice/sdk';
import { bsonToJson, keyOf } from './bson-to-json.js';
import { openChangeStream, scopeName } from './change-stream-scope.js';
import type { SourceConfig } from './config.js';

/**
 * One change stream per task. Each insert, update and replace becomes a record whose key is the
 * document's _id (so one document's changes stay in one partition, in order) and whose value is
 * the full document; a delete becomes a tombstone. The resume token is the source offset.
 */
export class MongoChangeStreamTask implements SourceTask {
  private readonly partition: Record<string, string>;

  constructor(
    private readonly config: SourceConfig,
    private readonly ctx: SourceTaskContext,
    private readonly client: MongoClient,
    private readonly stream: ChangeStream,
    /** An event read while opening the stream, delivered by the first poll. */
    private pending: ChangeStreamDocument | null,
  ) {
    this.partition = { ns: scopeName(scopeOf(config)) };
  }

  async poll(): Promise<SourceRecord[]> {
    if (this.ctx.signal.aborted) return [];
    const first = this.pending ?? ((await this.stream.tryNext()) as ChangeStreamDocument | null);
    this.pending = null;
    if (first === null) return [];
    const events: ChangeStreamDocument[] = [first];
    while (this.stream.bufferedCount() > 0 && events.length < this.config['batch.size'])
      events.push((await this.stream.next()) as ChangeStreamDocument);
    return events.flatMap((event) => this.toRecord(event));
  }

  async close(): Promise<void> {
    await this.stream.close();
    await this.client.close();
  }

  private toRecord(event: ChangeStreamDocument): SourceRecord[] {
    const offset = { resumeToken: event._id as unknown as Record<string, unknown> };
    const headers = { 'mongodb.resume.token': JSON.stringify(event._id), ...clusterTimeHeader(event) };
    switch (event.operationType) {
      case 'insert':
      case 'update':
      case 'replace': {
        const document = event.fullDocument;
        if (!document) {
          // updateLookup found nothing: the document was deleted since, and its delete follows
          this.ctx.log.debug('update without a current document skipped', { key: keyOf(event.documentKey._id) });
          return [];
        }
        return [
          {
            sourcePartition: this.partition,
            sourceOffset: offset,
            topic: this.topicOf(event.ns),
            key: keyOf(event.documentKey._id),
            value: bsonToJson(document),
            headers,
          },
        ];
      }
      case 'delete':
        return [
          {
            sourcePartition: this.partition,
            sourceOffset: offset,
            topic: this.topicOf(event.ns),
            key: keyOf(event.documentKey._id),
            value: null,
            headers,
          },
        ];
      default:
        this.ctx.log.info('change event without a document to publish', { operationType: event.operationType });
        return [];
    }
  }

  private topicOf(ns: { db: string; coll?: string }): string {
    const name = `${ns.db}.${ns.coll ?? ''}`;
    return this.config['topic.prefix'] === '' ? name : `${this.config['topic.prefix']}.${name}`;
  }
}

function clusterTimeHeader(event: ChangeStreamDocument): Record<string, string> {
  const time = (event as { clusterTime?: { t: number; i: number } }).clusterTime;
  return time ? { 'mongodb.cluster.time': `${time.t}.${time.i}` } : {};
}

function scopeOf(config: SourceConfig) {
  return {
    ...(config.database === undefined ? {} : { database: config.database }),
    ...(config.collection === undefined ? {} : { collection: config.collection }),
  };
}

/** Connects and opens the stream after the stored resume token (or from now). */
export async function openTask(config: SourceConfig, ctx: SourceTaskContext): Promise<MongoChangeStreamTask> {
  const scope = scopeOf(config);
  const client = new MongoClient(config['connection.uri'], { serverSelectionTimeoutMS: 10_000 });
  try {
    await client.connect();
    const stored = await ctx.offsetOf({ ns: scopeName(scope) });
    const options: ChangeStreamOptions = {
      fullDocument: config['full.document'],
      maxAwaitTimeMS: config['poll.await.ms'],
    };
    if (stored?.resumeToken !== undefined) options.startAfter = stored.resumeToken as ResumeToken;
    const stream = openChangeStream(client, scope, options);
    // opens the cursor now, so changes from this moment on are captured; keeps what it read
    const first = (await stream.tryNext()) as ChangeStreamDocument | null;
    return new MongoChangeStreamTask(config, ctx, client, stream, first);
  } catch (error) {
    await client.close();
    throw error;
  }
}
