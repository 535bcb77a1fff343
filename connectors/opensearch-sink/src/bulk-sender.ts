import type { Client } from '@opensearch-project/opensearch';
import { errors } from '@opensearch-project/opensearch';
import type { SinkRecord } from '@sluice/sdk';
import type { Action } from './bulk-body.js';
import { bulkBody } from './bulk-body.js';
import type { IndexSetup } from './index-setup.js';

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
  bulkRequests: number;
}

/** What one bulk left to retry, and why. */
export interface BulkOutcome {
  readonly retry: Action[];
  readonly reason: string;
}

/**
 * Sends one bulk and judges each item: accepted, a version conflict (a newer version is there),
 * to retry (429, 5xx, write block, or the whole request failing transiently), or malformed
 * (handed to `malformed`, which applies behavior.on.malformed.documents).
 */
export class BulkSender {
  readonly counters: SinkCounters = { indexed: 0, versionConflicts: 0, retriedItems: 0, malformed: 0, bulkRequests: 0 };

  constructor(
    private readonly client: Client,
    private readonly setup: IndexSetup,
    private readonly malformed: (record: SinkRecord, error: Error) => Promise<void>,
    private readonly timeoutMs: number,
  ) {}

  async send(chunk: readonly Action[]): Promise<BulkOutcome> {
    let items: Record<string, ItemResult>[];
    try {
      await this.setup.prepare(chunk.map((action) => action.index));
      this.counters.bulkRequests += 1;
      const response = await this.client.bulk(
        // pre-serialized NDJSON: the client passes a buffer body through as is; the answer keeps
        // only what judging needs (a fraction of the bytes to parse)
        { body: bulkBody(chunk) as never, filter_path: RESPONSE_FIELDS },
        { requestTimeout: this.timeoutMs },
      );
      if (response.body.errors === false) {
        this.counters.indexed += chunk.length; // every item succeeded: nothing to judge
        return { retry: [], reason: '' };
      }
      items = response.body.items as Record<string, ItemResult>[];
    } catch (error) {
      if (!transient(error)) throw error;
      return { retry: [...chunk], reason: (error as Error).message };
    }
    const retry: Action[] = [];
    let reason = '';
    for (const [i, item] of items.entries()) {
      const action = chunk[i] as Action;
      const outcome = await this.judge(action, Object.values(item)[0] as ItemResult);
      if (outcome) {
        retry.push(action);
        reason = outcome;
      }
    }
    return { retry, reason };
  }

  /** Handles one item result; returns a reason when the item should be retried. */
  private async judge(action: Action, result: ItemResult): Promise<string | undefined> {
    if (result.status < 300 || (action.op === 'delete' && result.status === 404)) {
      this.counters.indexed += 1;
      return undefined;
    }
    if (result.status === 409) {
      this.counters.versionConflicts += 1; // a newer version (or, appending, the same document) is there
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
}

/** The bulk answer's fields judging reads. */
const RESPONSE_FIELDS = 'errors,items.*.status,items.*.error.type,items.*.error.reason';

/** Errors worth retrying: no answer, or an answer of 429 / 5xx for the whole request. */
export function transient(error: unknown): boolean {
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
