import fs from 'node:fs';
import { Client } from '@opensearch-project/opensearch';
import { ConfigError, RetriableError, pause } from '@sluice/sdk';
import type { SinkRecord, SinkTask, SinkTaskContext } from '@sluice/sdk';
import type { ActionBuilder } from './bulk-actions.js';
import type { Action } from './bulk-body.js';
import { actionBuilder } from './bulk-actions.js';
import { BulkSender } from './bulk-sender.js';
import type { SinkCounters } from './bulk-sender.js';
import type { SinkConfig } from './config.js';
import { configProblems } from './config-rules.js';
import { DocumentsInFlight } from './documents-in-flight.js';
import { IndexSetup } from './index-setup.js';

const MAX_BACKOFF_MS = 10_000;

/**
 * put turns records into bulk actions and sends full bulks (any bulk with linger.ms=0, else after
 * linger.ms) with up to max.in.flight.requests in flight (without external versions, bulks in
 * flight never share a document), without waiting for them; it blocks
 * only while max.buffered.records are held (back-pressure). Items OpenSearch refuses for now
 * (429, 5xx, write block) are kept, alone, to retry; flush sends everything and retries those
 * with capped, jittered exponential backoff, resolving only when OpenSearch accepted every
 * document put so far (or it was handled as malformed). After max.retries or flush.timeout.ms,
 * flush throws RetriableError and keeps what is left for the next flush.
 */
export class OpenSearchSinkTask implements SinkTask {
  private readonly build: ActionBuilder;
  private readonly sender: BulkSender;
  /** Not sent yet, in put order. */
  private pending: Action[] = [];
  /** Refused for now by OpenSearch; sent again by the next drain, after a backoff. */
  private refused: Action[] = [];
  private readonly inFlight = new Map<Promise<void>, number>();
  private lingerTimer: NodeJS.Timeout | undefined;
  private lastReason = '';
  /** An error of a bulk sent in the background, thrown by the next put or flush. */
  private failure: Error | undefined;
  private closed = false;
  /**
   * Without external versions OpenSearch cannot refuse an older change of a document, so order
   * is kept by the task instead: a bulk never holds a document that a bulk in flight holds (a
   * bulk applies its items in order, so changes of one document land in put order), and a
   * refused change is retried before anything newer is sent.
   */
  private readonly strictOrder: boolean;
  /** strictOrder: the documents the bulks in flight hold. */
  private readonly documents = new DocumentsInFlight();

  constructor(
    private readonly config: SinkConfig,
    private readonly ctx: SinkTaskContext,
    private readonly client: Client,
  ) {
    // the runtime checks these before storing a config; a task built directly is checked too
    const problems = configProblems(config);
    if (problems[0]) throw new ConfigError(problems[0].field, problems[0].reason, problems);
    this.strictOrder =
      config['document.id.strategy'] === 'key' &&
      config['document.version'] === 'none' &&
      !config['data.stream.enabled'];
    this.build = actionBuilder(config);
    const setup = new IndexSetup(client, config);
    this.sender = new BulkSender(
      client,
      setup,
      (record, error) => this.malformed(record, error),
      config['connection.timeout.ms'],
    );
  }

  get counters(): SinkCounters {
    return this.sender.counters;
  }

  /** Gauges for GET /metrics: what is waiting and why a RUNNING task may be slow. */
  metrics(): Readonly<Record<string, number>> {
    const { indexed, versionConflicts, retriedItems, malformed, bulkRequests } = this.counters;
    return {
      'opensearch.documents.pending': this.pending.length,
      'opensearch.documents.refused': this.refused.length,
      'opensearch.bulks.in.flight': this.inFlight.size,
      'opensearch.documents.indexed': indexed,
      'opensearch.documents.retried': retriedItems,
      'opensearch.documents.malformed': malformed,
      'opensearch.version.conflicts': versionConflicts,
      'opensearch.bulk.requests': bulkRequests,
    };
  }

  async put(records: readonly SinkRecord[]): Promise<void> {
    this.throwFailure();
    await this.roomFor(records.length); // before taking any record, so a retried put adds nothing twice
    // an index loop: a for-of over an array in an async function allocates an iterator result per record
    for (let i = 0; i < records.length; i++) {
      const record = records[i] as SinkRecord;
      let action: Action | null;
      try {
        action = this.build(record);
      } catch (error) {
        if (record.value === null && this.config['behavior.on.null.values'] === 'fail') throw error;
        await this.malformed(record, error as Error);
        continue;
      }
      if (action) this.pending.push(action);
    }
    this.pump(this.config['linger.ms'] === 0);
    if (this.pending.length > 0 && this.config['linger.ms'] > 0 && !this.lingerTimer) {
      this.lingerTimer = setTimeout(() => {
        this.lingerTimer = undefined;
        this.pump(true);
      }, this.config['linger.ms']);
    }
  }

  async flush(): Promise<void> {
    const deadline = Date.now() + this.config['flush.timeout.ms'];
    for (let retry = 0; ; retry++) {
      await this.sendEverything(deadline);
      if (this.refused.length === 0) return;
      if (retry >= this.config['max.retries'])
        throw new RetriableError(
          `OpenSearch did not accept ${this.refused.length} documents after ${retry} retries: ${this.lastReason}`,
        );
      this.counters.retriedItems += this.refused.length;
      const wait = Math.min(backoff(this.config['retry.backoff.ms'], retry), deadline - Date.now());
      this.ctx.log.warn('OpenSearch is pushing back; retrying the refused documents', {
        documents: this.refused.length,
        reason: this.lastReason,
        retry: retry + 1,
        waitMs: Math.round(wait),
      });
      if (wait <= 0) throw this.timedOut();
      await pause(wait, this.ctx.signal);
    }
  }

  async close(): Promise<void> {
    this.closed = true; // no new bulks from timers or completions
    clearTimeout(this.lingerTimer);
    await Promise.allSettled(this.inFlight.keys());
    await this.client.close();
  }

  /** Records held: waiting, in flight or refused. */
  private buffered(): number {
    let inFlight = 0;
    for (const size of this.inFlight.values()) inFlight += size;
    return this.pending.length + this.refused.length + inFlight;
  }

  /**
   * Back-pressure: waits until `incoming` more records fit in max.buffered.records (or nothing is
   * held). While OpenSearch refuses, it keeps retrying (the runtime pauses consumption meanwhile)
   * until the task stops.
   */
  private async roomFor(incoming: number): Promise<void> {
    const limit = this.config['max.buffered.records'];
    while (this.buffered() > 0 && this.buffered() + incoming > limit) {
      if (this.inFlight.size > 0) {
        await Promise.race(this.inFlight.keys());
        this.throwFailure();
        this.pump(this.config['linger.ms'] === 0);
        continue;
      }
      try {
        await this.flush();
      } catch (error) {
        if (!(error instanceof RetriableError) || this.ctx.signal.aborted) throw error;
        this.ctx.log.warn('buffer full and OpenSearch refusing; put waits', { error: error.message });
      }
    }
  }

  /** Sends refused and pending actions (in strict order: refused alone first), up to the deadline. */
  private async sendEverything(deadline: number): Promise<void> {
    if (this.strictOrder && this.refused.length > 0) {
      // the refused changes alone first: nothing newer may land before them
      const newer = this.pending;
      this.pending = this.refused;
      this.refused = [];
      try {
        await this.sendPending(deadline);
      } finally {
        this.pending.push(...newer);
      }
      if (this.refused.length > 0) return;
    }
    this.pending = [...this.refused, ...this.pending];
    this.refused = [];
    await this.sendPending(deadline);
  }

  /** Sends pending actions and waits for every bulk in flight, up to the deadline. */
  private async sendPending(deadline: number): Promise<void> {
    this.pump(true);
    while (this.inFlight.size > 0) {
      const left = deadline - Date.now();
      if (left <= 0) throw this.timedOut();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.race(this.inFlight.keys()),
        new Promise((resolve) => (timer = setTimeout(resolve, left))),
      ]);
      clearTimeout(timer);
      this.throwFailure();
      this.pump(true);
    }
    this.throwFailure();
  }

  private pump(partial: boolean): void {
    const slots = this.config['max.in.flight.requests'];
    while (!this.closed && this.inFlight.size < slots && this.pending.length > 0) {
      if (this.strictOrder && this.refused.length > 0) return; // newer changes wait for the refused ones
      const size = this.strictOrder ? this.documents.disjointPrefix(this.pending, this.chunkSize()) : this.chunkSize();
      if (size === 0) return; // the next change's document is in flight: it waits for that bulk
      if (!partial && size === this.pending.length && size < this.config['batch.size']) return; // not full yet
      this.sendChunk(this.pending.splice(0, size));
    }
  }

  private sendChunk(chunk: Action[]): void {
    if (this.strictOrder) this.documents.hold(chunk, 1);
    const bulk: Promise<void> = this.sender
      .send(chunk)
      .then(
        (outcome) => {
          if (outcome.retry.length > 0) {
            this.refused.push(...outcome.retry);
            this.lastReason = outcome.reason;
          }
          this.acknowledge(chunk, outcome.retry);
        },
        (error: unknown) => {
          this.refused.push(...chunk); // kept: a failed task is restarted from the committed offsets anyway
          this.failure ??= error as Error;
        },
      )
      .finally(() => {
        this.inFlight.delete(bulk);
        if (this.strictOrder) this.documents.hold(chunk, -1);
        // keep the slots busy between puts (refused items wait for the next drain's backoff)
        if (!this.failure) this.pump(this.config['linger.ms'] === 0);
      });
    this.inFlight.set(bulk, chunk.length);
  }

  /** Tells the runtime which records of a bulk OpenSearch accepted (for its latency histogram). */
  private acknowledge(chunk: readonly Action[], retry: readonly Action[]): void {
    const acknowledged = this.ctx.acknowledged?.bind(this.ctx);
    if (!acknowledged) return;
    const kept = retry.length === 0 ? undefined : new Set(retry);
    acknowledged(chunk.filter((action) => !kept?.has(action)).map((action) => action.record));
  }

  /** How many pending actions the next bulk takes: up to batch.size and bulk.size.bytes (at least one). */
  private chunkSize(): number {
    const most = Math.min(this.pending.length, this.config['batch.size']);
    let bytes = 0;
    for (let i = 0; i < most; i++) {
      bytes += (this.pending[i] as Action).bytes;
      if (bytes > this.config['bulk.size.bytes']) return Math.max(i, 1);
    }
    return most;
  }

  private throwFailure(): void {
    if (this.failure) throw this.failure;
  }

  private timedOut(): RetriableError {
    return new RetriableError(
      `flush.timeout.ms (${this.config['flush.timeout.ms']}) passed with ${this.buffered()} documents not yet accepted by OpenSearch${this.lastReason ? `: ${this.lastReason}` : ''}`,
    );
  }

  private async malformed(record: SinkRecord, error: Error): Promise<void> {
    this.counters.malformed += 1;
    const where = { topic: record.topic, partition: record.partition, offset: record.offset, error: error.message };
    switch (this.config['behavior.on.malformed.documents']) {
      case 'ignore':
        return;
      case 'warn':
        this.ctx.log.warn('document dropped (behavior.on.malformed.documents=warn)', where);
        return;
      case 'report':
        await this.ctx.report(record, error);
        return;
      default:
        throw error;
    }
  }
}

function backoff(initialMs: number, retry: number): number {
  const ceiling = Math.min(MAX_BACKOFF_MS, initialMs * 2 ** retry);
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

export function createClient(config: SinkConfig): Client {
  const username = config['connection.username'];
  const password = config['connection.password'];
  const ca = config['connection.tls.ca.file'];
  return new Client({
    nodes: config['connection.url'],
    maxRetries: 0, // retries are the task's, item by item
    // answers are parsed with plain JSON.parse, without the scan of every answer for __proto__ and
    // constructor keys (a regular expression over each bulk answer, a per-document cost): the task
    // only reads status and error fields from them and never merges an answer into another object
    disablePrototypePoisoningProtection: true,
    requestTimeout: config['connection.timeout.ms'],
    ssl: { rejectUnauthorized: config['connection.tls.verify'], ...(ca ? { ca: fs.readFileSync(ca) } : {}) },
    ...(username === undefined || password === undefined ? {} : { auth: { username, password } }),
  });
}
