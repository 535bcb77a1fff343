import { MongoClient } from 'mongodb';
import type { ChangeStream, ChangeStreamDocument, ChangeStreamOptions, Document } from 'mongodb';
import { RetriableError } from '@sluice/sdk';
import type { SourceRecord, SourceTask, SourceTaskContext } from '@sluice/sdk';
import { collectionsOf, openChangeStream, scopeName } from './change-stream-scope.js';
import type { SourceConfig } from './config.js';
import { EventRecords } from './event-records.js';
import { joinFragments } from './oversized-events.js';
import type { Fragment } from './oversized-events.js';
import { SnapshotCopy } from './snapshot.js';
import type { StartPoint } from './start-point.js';
import {
  HISTORY_LOST_RECOVERY,
  currentClusterTime,
  isHistoryLost,
  isResumable,
  isTooLarge,
  startPointOf,
} from './start-point.js';
import { taskSettings } from './task-settings.js';
import type { TaskSettings } from './task-settings.js';

/**
 * One change stream per task (after a copy of the existing documents with copy_existing). Each
 * change becomes a record keyed by the document's _id; the resume token is the source offset, so
 * a restart resumes strictly after the last event Kafka holds. Errors: history lost → the
 * history.lost.policy; server unreachable after the driver's own resume → RetriableError (the
 * stream reopens after the last event read, for as long as errors.retry.timeout allows); anything
 * else fails the task.
 */
export class MongoChangeStreamTask implements SourceTask {
  private stream: ChangeStream | undefined;
  /** An event read while opening the stream, delivered by the next poll. */
  private pending: ChangeStreamDocument | null = null;
  private snapshot: SnapshotCopy | undefined;
  private fragments: Fragment[] = [];
  private lastPublishedAt = Date.now();
  private lagMs = 0;
  private oversizedSkipped = 0;
  /** Why the stream could not be opened at creation; handled by the next poll. */
  private openFailure: unknown;

  private constructor(
    private readonly config: SourceConfig,
    private readonly settings: TaskSettings,
    private readonly ctx: SourceTaskContext,
    private readonly client: MongoClient,
    private readonly records: EventRecords,
    /** Where the stream (re)opens: after the last event read, or the start point. */
    private position: StartPoint,
  ) {}

  /** Connects and starts from the stored offset, else per startup.mode. */
  static async open(config: SourceConfig, ctx: SourceTaskContext): Promise<MongoChangeStreamTask> {
    const settings = taskSettings(config);
    const partition = { ns: scopeName(settings.scope) };
    const client = new MongoClient(config['connection.uri'], { serverSelectionTimeoutMS: 10_000 });
    try {
      await client.connect();
      const start = startPointOf(await ctx.offsetOf(partition), config);
      const task = new MongoChangeStreamTask(
        config,
        settings,
        ctx,
        client,
        new EventRecords(config, partition, settings.topicOf),
        start,
      );
      await task.begin(start);
      return task;
    } catch (error) {
      await client.close();
      throw error;
    }
  }

  async poll(): Promise<SourceRecord[]> {
    if (this.ctx.signal.aborted) return [];
    try {
      if (this.openFailure !== undefined) {
        const failure = this.openFailure;
        this.openFailure = undefined;
        throw failure;
      }
      // a copy interrupted by a retriable error carries on from its last batch on the next poll
      return this.snapshot ? await this.copy(this.snapshot) : await this.readStream();
    } catch (error) {
      return this.recover(error);
    }
  }

  /** Connector gauges: lag = now − time of the last event read (0 once the stream is drained). */
  metrics(): Readonly<Record<string, number>> {
    return { 'mongodb.lag.ms': this.lagMs, 'mongodb.oversized.skipped': this.oversizedSkipped };
  }

  async close(): Promise<void> {
    await this.stream?.close();
    await this.client.close();
  }

  private async begin(start: StartPoint): Promise<void> {
    if (start.kind !== 'snapshot')
      // an error opening the stream is the first poll's to handle, so the task FAILS (with its
      // status) or recovers there, instead of failing its creation
      return this.openStream(start).catch((error: unknown) => void (this.openFailure = error));
    const startAt = start.startAt ?? (await currentClusterTime(this.client));
    const namespaces = (await collectionsOf(this.client, this.settings.scope)).filter(this.settings.publishes);
    this.ctx.log.info('copying existing documents', { namespaces: namespaces.length, resuming: !!start.progress });
    this.snapshot = new SnapshotCopy(
      this.client,
      namespaces,
      startAt,
      this.records,
      this.config['batch.size'],
      start.progress,
    );
    this.position = { kind: 'at', time: startAt };
  }

  private async copy(snapshot: SnapshotCopy): Promise<SourceRecord[]> {
    const copied = await snapshot.next();
    if (copied.length > 0) return copied;
    this.snapshot = undefined;
    this.ctx.log.info('existing documents copied; streaming from the moment the copy began');
    await this.openStream(this.position);
    return [];
  }

  /** Opens the stream at `start` and reads once, so it captures changes from this moment on. */
  private async openStream(start: StartPoint): Promise<void> {
    const options: ChangeStreamOptions = { ...this.settings.streamOptions };
    if (start.kind === 'after') options.startAfter = start.token;
    if (start.kind === 'at') options.startAtOperationTime = start.time;
    this.stream = openChangeStream(this.client, this.settings.scope, options, this.settings.pipeline);
    this.pending = (await this.stream.tryNext()) as ChangeStreamDocument | null;
  }

  private async readStream(): Promise<SourceRecord[]> {
    if (!this.stream) await this.openStream(this.position);
    const stream = this.stream as ChangeStream;
    const first = this.pending ?? ((await stream.tryNext()) as ChangeStreamDocument | null);
    this.pending = null;
    if (first === null) {
      this.lagMs = 0;
      return this.heartbeatIfDue(stream);
    }
    const events: ChangeStreamDocument[] = [first];
    while (stream.bufferedCount() > 0 && events.length < this.config['batch.size'])
      events.push((await stream.next()) as ChangeStreamDocument);
    const records = await this.toRecords(events);
    if (records.length > 0) this.lastPublishedAt = Date.now();
    return records;
  }

  private async toRecords(events: readonly ChangeStreamDocument[]): Promise<SourceRecord[]> {
    const records: SourceRecord[] = [];
    for (const raw of events) {
      const event = this.whole(raw);
      if (event === undefined) continue;
      this.position = { kind: 'after', token: event._id };
      this.observeLag(event);
      if (event.operationType === 'invalidate') {
        this.ctx.log.warn('change stream invalidated (collection dropped or renamed); reopening after it');
        await this.stream?.close();
        this.stream = undefined;
        break;
      }
      const ns = (event as { ns?: { db: string; coll?: string } }).ns;
      if (ns && !this.settings.publishes(`${ns.db}.${ns.coll ?? ''}`)) continue;
      const record = this.records.fromChange(event);
      if (record === null) this.ignored(event);
      else if (!this.oversized(record)) records.push(record);
    }
    return records;
  }

  /** A split event's fragments joined (oversized.event.policy=split); undefined until complete. */
  private whole(event: ChangeStreamDocument): ChangeStreamDocument | undefined {
    if ((event as Document).splitEvent === undefined) return event;
    this.fragments.push(event as Fragment);
    const joined = joinFragments(this.fragments);
    if (joined !== undefined) this.fragments = [];
    return joined as ChangeStreamDocument | undefined;
  }

  private observeLag(event: ChangeStreamDocument): void {
    const { wallTime, clusterTime } = event as { wallTime?: Date; clusterTime?: { t: number } };
    const at = wallTime?.getTime() ?? (clusterTime ? clusterTime.t * 1000 : undefined);
    if (at !== undefined) this.lagMs = Math.max(0, Date.now() - at);
  }

  private ignored(event: ChangeStreamDocument): void {
    const { operationType } = event;
    if (['insert', 'update', 'replace'].includes(operationType))
      this.ctx.log.debug('update without a current document skipped (its delete follows)');
    else this.ctx.log.warn('change event not published as a document', { operationType });
  }

  /** oversized.event.policy=skip: a value over the limit is logged, counted and not published. */
  private oversized(record: SourceRecord): boolean {
    if (this.config['oversized.event.policy'] !== 'skip' || record.value === null) return false;
    const bytes = Buffer.byteLength(JSON.stringify(record.value));
    if (bytes <= this.config['oversized.event.max.bytes']) return false;
    this.oversizedSkipped += 1;
    this.ctx.log.warn('oversized event skipped', { topic: record.topic, key: record.key, bytes });
    return true;
  }

  private heartbeatIfDue(stream: ChangeStream): SourceRecord[] {
    const interval = this.config['heartbeat.interval.ms'];
    const token = stream.resumeToken ?? (this.position.kind === 'after' ? this.position.token : undefined);
    if (interval === 0 || Date.now() - this.lastPublishedAt < interval || token === undefined || token === null)
      return [];
    this.lastPublishedAt = Date.now();
    return [this.records.heartbeat(token)];
  }

  private async recover(error: unknown): Promise<SourceRecord[]> {
    await this.stream?.close().catch(() => undefined);
    this.stream = undefined;
    this.pending = null;
    if (isHistoryLost(error)) {
      await this.onHistoryLost(error);
      return [];
    }
    if (isTooLarge(error))
      throw new Error(
        `a change event is over 16 MB (${(error as Error).message}); set oversized.event.policy=split (MongoDB 7.0+) to receive it in fragments`,
        { cause: error },
      );
    if (isResumable(error))
      throw new RetriableError(
        `change stream interrupted (${(error as Error).message}); reopening after the last event read`,
        { cause: error },
      );
    throw error;
  }

  /** Error 286: fails loudly, or recovers as history.lost.policy says (logged as an error). */
  private async onHistoryLost(error: unknown): Promise<void> {
    const policy = this.config['history.lost.policy'];
    if (policy === 'fail') throw new Error(`history.lost.policy=fail: ${HISTORY_LOST_RECOVERY}`, { cause: error });
    this.ctx.log.error(`resume token lost; recovering per history.lost.policy=${policy}`, {
      error: (error as Error).message,
      consequence: policy === 'latest' ? 'changes between the stored offset and now are lost' : 'copying again',
    });
    const start: StartPoint = policy === 'latest' ? { kind: 'now' } : { kind: 'snapshot' };
    this.position = start;
    await this.begin(start);
  }
}
