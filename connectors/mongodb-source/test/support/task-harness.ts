import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import MongoDbSource from '@sluice/mongodb-source';
import type { SourceRecord, SourceTask } from '@sluice/sdk';
import { MemoryOffsetStore, recordingLogger, requireService, sourceTaskContext } from '@sluice/testkit';
import type { LogLine } from '@sluice/testkit';

/** A task under test: its records so far, its log, and the offsets "Kafka acknowledged". */
export interface Harness {
  readonly task: SourceTask;
  readonly received: SourceRecord[];
  readonly log: LogLine[];
  /** Polls until `done(received)` or `timeoutMs`; stores the offsets of what arrived. */
  pollUntil(done: (received: readonly SourceRecord[]) => boolean, timeoutMs?: number): Promise<SourceRecord[]>;
  close(): Promise<void>;
}

/** A fresh database name for one test (others run theirs at the same time). */
export const uniqueDatabase = (prefix: string) => `${prefix}_${randomUUID().slice(0, 8)}`;

/** Creates a MongoDbSource task from a string config, as the runtime would. */
export async function startTask(config: Record<string, string>, offsets = new MemoryOffsetStore()): Promise<Harness> {
  const stop = new AbortController();
  const logger = recordingLogger();
  const task = await MongoDbSource.createTask(
    MongoDbSource.validator.parse({ 'poll.await.ms': '100', ...config }),
    sourceTaskContext(offsets, stop.signal, logger),
  );
  const received: SourceRecord[] = [];
  return {
    task,
    received,
    log: logger.lines,
    async pollUntil(done, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (!done(received) && Date.now() < deadline) {
        const batch = await task.poll();
        offsets.commit(batch);
        received.push(...batch);
      }
      return received;
    },
    async close() {
      stop.abort();
      await task.close();
    },
  };
}

/** MONGODB_URI and a client for writing test data, closed after the file's tests. */
export function mongoUnderTest(): { uri: string; client: MongoClient } {
  const uri = requireService('mongodb');
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 10_000 });
  afterAll(() => client.close());
  return { uri, client };
}
