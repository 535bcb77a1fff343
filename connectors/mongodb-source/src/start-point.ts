import { MongoNetworkError, MongoServerSelectionError, Timestamp } from 'mongodb';
import type { MongoClient, ResumeToken } from 'mongodb';
import type { SourceOffset } from '@sluice/sdk';
import type { SourceConfig } from './config.js';
import type { SnapshotProgress } from './snapshot.js';
import { startTimestamp } from './task-settings.js';

/** Where a task's work starts: after a token, at a cluster time, from now, or with a copy. */
export type StartPoint =
  | { readonly kind: 'after'; readonly token: ResumeToken }
  | { readonly kind: 'at'; readonly time: Timestamp }
  | { readonly kind: 'now' }
  | { readonly kind: 'snapshot'; readonly startAt?: Timestamp; readonly progress?: SnapshotProgress };

/** The stored offset decides; without one, startup.mode does. */
export function startPointOf(stored: SourceOffset | undefined, config: SourceConfig): StartPoint {
  if (stored?.resumeToken !== undefined) return { kind: 'after', token: stored.resumeToken as ResumeToken };
  if (typeof stored?.startAt === 'string') {
    const time = startTimestamp(stored.startAt);
    const progress = stored.snapshot as SnapshotProgress | undefined;
    return progress ? { kind: 'snapshot', startAt: time, progress } : { kind: 'at', time };
  }
  switch (config['startup.mode']) {
    case 'timestamp':
      return { kind: 'at', time: startTimestamp(config['startup.timestamp']) };
    case 'copy_existing':
      return { kind: 'snapshot' };
    default:
      return { kind: 'now' };
  }
}

/**
 * The deployment's current cluster time, taken before a copy begins so that the stream started
 * at it misses nothing the copy did not see. A real replica set reports it with every reply; the
 * emulator does not, so its clock's current second is used (events of that second may repeat).
 */
export async function currentClusterTime(client: MongoClient): Promise<Timestamp> {
  const reply = await client.db('admin').command({ hello: 1 });
  const known = (reply.operationTime ?? (reply.$clusterTime as { clusterTime?: unknown } | undefined)?.clusterTime) as
    Timestamp | undefined;
  if (known instanceof Timestamp) return known;
  const local = reply.localTime instanceof Date ? reply.localTime.getTime() : Date.now();
  return new Timestamp({ t: Math.floor(local / 1000), i: 0 });
}

/** Error 286 (ChangeStreamHistoryLost): the resume point is no longer in the oplog. */
export function isHistoryLost(error: unknown): boolean {
  const { code, codeName, message } = error as { code?: unknown; codeName?: unknown; message?: string };
  return (
    code === 286 ||
    codeName === 'ChangeStreamHistoryLost' ||
    (code === 280 && /resume token was not found/i.test(message ?? ''))
  );
}

/** Socket errors Node raises on a dropped connection that the driver sometimes passes on unwrapped. */
const SOCKET_ERRORS = new Set(['EPIPE', 'ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'ERR_STREAM_WRITE_AFTER_END']);

/** What the driver could not ride out itself: the server unreachable, or its resume failed. */
export function isResumable(error: unknown): boolean {
  if (error instanceof MongoNetworkError || error instanceof MongoServerSelectionError) return true;
  if (SOCKET_ERRORS.has(String((error as { code?: unknown }).code))) return true;
  const labelled = error as { hasErrorLabel?: (label: string) => boolean };
  return typeof labelled.hasErrorLabel === 'function' && labelled.hasErrorLabel('ResumableChangeStreamError');
}

/** BSONObjectTooLarge: a change event over the 16 MB document limit. */
export function isTooLarge(error: unknown): boolean {
  const { code, codeName } = error as { code?: unknown; codeName?: unknown };
  return code === 10334 || codeName === 'BSONObjectTooLarge';
}

export const HISTORY_LOST_RECOVERY =
  'the change stream cannot resume where it stopped, or start where a copy began: that point is no longer in ' +
  'the oplog (error 286, ChangeStreamHistoryLost), and changes since then may be gone. Recover with history.lost.policy=copy_existing (copy the existing documents ' +
  'again, then stream), or history.lost.policy=latest (continue from now; changes in between are lost), or ' +
  'delete the connector and create it again with startup.mode=timestamp. A larger oplog avoids this.';
