import { Client, errors } from '@opensearch-project/opensearch';
import { RetriableError } from '@sluice/sdk';
import type { SinkRecord, SinkTask, SinkTaskContext } from '@sluice/sdk';
import type { Action } from './bulk-actions.js';
import { bulkLines, toAction } from './bulk-actions.js';
import type { SinkConfig } from './config.js';

interface ItemResult {
  readonly status: number;
  readonly error?: { readonly type?: string; readonly reason?: string };
}

/** Counts for logs and tests: version conflicts are expected (an older change arriving late). */
export interface SinkCounters {
  indexed: number;
  versionConflicts: number;
  retriedItems: number;
  malformed: number;
}

/**
 * Sends records as bulk actions from put (at once with linger.ms=0, else when batch.size are
 * buffered), keeping what OpenSearch refuses; flush sends them in bulks of batch.size and resolves
 * only when OpenSearch accepted every one (or it was handled as malformed). Items answered with
 * 429/5xx or a write block are retried alone (accepted items are not re-sent), with doubling
 * backoff, up to max.retries; then flush throws RetriableError and keeps them for the next try.
 */
export class OpenSearchSinkTask implements SinkTask {
  private actions: Action[] = [];
  readonly counters: SinkCounters = { indexed: 0, versionConflicts: 0, retriedItems: 0, malformed: 0 };

  constructor(
    private readonly config: SinkConfig,
    private readonly ctx: SinkTaskContext,
    private readonly client: Client,
  ) {}

  async put(records: readonly SinkRecord[]): Promise<void> {
    for (const record of records) {
      let action: Action | null;
      try {
        action = toAction(record, this.config);
      } catch (error) {
        if (record.value === null && this.config['behavior.on.null.values'] === 'fail') throw error;
        await this.malformed(record, error as Error);
        continue;
      }
      if (action) this.actions.push(action);
    }
    if (
      this.actions.length >= this.config['batch.size'] ||
      (this.config['linger.ms'] === 0 && this.actions.length > 0)
    ) {
      // one attempt now; what OpenSearch refuses stays buffered for flush, which retries it
      this.actions = (await this.sendAll(this.actions)).actions;
    }
  }

  async flush(): Promise<void> {
    let pending = this.actions;
    for (let retry = 0; pending.length > 0; retry++) {
      const failed = await this.sendAll(pending);
      if (failed.actions.length === 0) break;
      if (retry >= this.config['max.retries']) {
        this.actions = failed.actions;
        throw new RetriableError(
          `OpenSearch did not accept ${failed.actions.length} documents after ${retry} retries: ${failed.reason}`,
        );
      }
      this.counters.retriedItems += failed.actions.length;
      this.ctx.log.warn('OpenSearch is pushing back; retrying the refused documents', {
        documents: failed.actions.length,
        reason: failed.reason,
        retry: retry + 1,
      });
      await sleep(backoff(this.config['retry.backoff.ms'], retry));
      pending = failed.actions;
    }
    this.actions = [];
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  /** Sends every action once; returns those to retry and why. */
  private async sendAll(actions: readonly Action[]): Promise<{ actions: Action[]; reason: string }> {
    const retry: Action[] = [];
    let reason = '';
    for (let at = 0; at < actions.length; at += this.config['batch.size']) {
      const chunk = actions.slice(at, at + this.config['batch.size']);
      let items: Record<string, ItemResult>[];
      try {
        items = (await this.client.bulk({ body: bulkLines(chunk) })).body.items as Record<string, ItemResult>[];
      } catch (error) {
        if (!transient(error)) throw error;
        retry.push(...chunk);
        reason = (error as Error).message;
        continue;
      }
      for (const [i, item] of items.entries()) {
        const action = chunk[i] as Action;
        const outcome = await this.judge(action, Object.values(item)[0] as ItemResult);
        if (outcome) {
          retry.push(action);
          reason = outcome;
        }
      }
    }
    return { actions: retry, reason };
  }

  /** Handles one item result; returns a reason when the item should be retried. */
  private async judge(action: Action, result: ItemResult): Promise<string | undefined> {
    if (result.status < 300 || (action.op === 'delete' && result.status === 404)) {
      this.counters.indexed += 1;
      return undefined;
    }
    if (result.status === 409) {
      this.counters.versionConflicts += 1; // a newer version is already there: by design
      return undefined;
    }
    const type = result.error?.type ?? '';
    if (result.status === 429 || result.status >= 500 || type === 'cluster_block_exception')
      return `${result.status} ${type}`;
    await this.malformed(
      action.record,
      new Error(`OpenSearch rejected the document (${result.status} ${type}): ${result.error?.reason ?? ''}`),
    );
    return undefined;
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

function transient(error: unknown): boolean {
  if (
    error instanceof errors.ConnectionError ||
    error instanceof errors.TimeoutError ||
    error instanceof errors.NoLivingConnectionsError
  )
    return true;
  if (error instanceof errors.ResponseError) {
    const status = error.meta.statusCode ?? 0;
    return status === 429 || status >= 500;
  }
  return false;
}

function backoff(initialMs: number, retry: number): number {
  const ceiling = initialMs * 2 ** retry;
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function createClient(config: SinkConfig): Client {
  const username = config['connection.username'];
  const password = config['connection.password'];
  return new Client({
    nodes: config['connection.url'],
    maxRetries: 0, // retries are the task's, item by item
    requestTimeout: 30_000,
    ...(username === undefined || password === undefined ? {} : { auth: { username, password } }),
  });
}
