import { describe, expect, it } from '@jest/globals';
import { isRetriableError } from '@sluice/sdk';
import type { SourceConnector, SourceRecord, SourceTask } from '@sluice/sdk';
import { expectNothingLeaked, releaseNewHandles, settle, settleSince, snapshotResources } from './resources.js';
import { MemoryOffsetStore, sourceTaskContext } from './task-contexts.js';

/** A fresh, empty source system for one test, and how to add data to it. */
export interface SourceFixture {
  /** The connector config (string map, as operators submit it) that reads this source. */
  readonly config: Record<string, unknown>;
  /** Adds `count` new items to the source; returns their identities in order. */
  write(count: number): Promise<string[]>;
  /** The identity of the item a record carries (matches what write() returned). */
  identify(record: SourceRecord): string;
  cleanup(): Promise<void>;
}

export interface SourceContractOptions {
  readonly connector: SourceConnector;
  readonly fixture: () => Promise<SourceFixture>;
  /** Configs that must be rejected, each with the field the rejection must name. */
  readonly invalidConfigs: readonly { readonly config: Record<string, unknown>; readonly field: string }[];
  /** Longest wait for records to appear; default 15 s. */
  readonly timeoutMs?: number;
}

/** Runs a task over a fixture: polls, commits what it is told, closes. */
class SourceRun {
  readonly received: SourceRecord[] = [];

  private constructor(
    readonly task: SourceTask,
    readonly stop: AbortController,
  ) {}

  static async start(
    options: SourceContractOptions,
    fixture: SourceFixture,
    offsets: MemoryOffsetStore,
  ): Promise<SourceRun> {
    const stop = new AbortController();
    const config = options.connector.validator.parse(fixture.config);
    const task = await options.connector.createTask(config, sourceTaskContext(offsets, stop.signal));
    return new SourceRun(task, stop);
  }

  /**
   * Polls until `done(received)` or the timeout; returns what arrived. A RetriableError from
   * poll is retried, as the runtime retries it.
   */
  async pollUntil(done: (received: SourceRecord[]) => boolean, timeoutMs: number): Promise<SourceRecord[]> {
    const deadline = Date.now() + timeoutMs;
    while (!done(this.received) && Date.now() < deadline) {
      try {
        this.received.push(...(await this.task.poll()));
      } catch (error) {
        if (!isRetriableError(error)) throw error;
        await settle(100);
      }
    }
    return this.received;
  }

  async close(): Promise<void> {
    this.stop.abort();
    await this.task.close();
  }
}

/**
 * The source contract every source connector passes: config validation field by field; records
 * flow; a stop mid-stream and a restart from the stored offsets lose nothing and repeat nothing
 * committed; poll returns promptly after abort; close releases every resource.
 */
export function describeSourceContract(options: SourceContractOptions): void {
  const timeoutMs = options.timeoutMs ?? 15_000;
  // cleanup whatever happened, and no socket or server left to keep jest from exiting
  const withFixture = (test: (fixture: SourceFixture) => Promise<void>) => async () => {
    const before = snapshotResources();
    const fixture = await options.fixture();
    try {
      await test(fixture);
    } finally {
      await fixture.cleanup();
      releaseNewHandles(before);
    }
  };

  describe(`${options.connector.name} source contract`, () => {
    it(
      'accepts the fixture config',
      withFixture(async (fixture) => {
        expect(options.connector.validator.validate(fixture.config).errorCount).toBe(0);
      }),
    );

    it.each(options.invalidConfigs.map((c) => [c.field, c.config] as const))(
      'rejects a bad config, naming %s',
      async (field, config) => {
        const result = options.connector.validator.validate(config);
        const named = result.fields.filter((f) => f.errors.length > 0).map((f) => f.name);
        expect(named).toContain(field);
      },
    );

    it(
      'delivers every item written to the source as a record',
      withFixture(async (fixture) => {
        const run = await SourceRun.start(options, fixture, new MemoryOffsetStore());
        try {
          const written = await fixture.write(10);
          const received = await run.pollUntil((r) => r.length >= written.length, timeoutMs);
          expect(received.map((record) => fixture.identify(record))).toEqual(written);
        } finally {
          await run.close();
        }
      }),
    );

    it(
      'resumes after a restart from the stored offsets: nothing lost, nothing committed repeated',
      withFixture(async (fixture) => {
        const offsets = new MemoryOffsetStore();
        // start first: a source may capture only what is written after it starts (change streams)
        const first = await SourceRun.start(options, fixture, offsets);
        let written: string[];
        let beforeStop: SourceRecord[];
        try {
          written = await fixture.write(20);
          beforeStop = await first.pollUntil((r) => r.length >= 5, timeoutMs);
          offsets.commit(beforeStop);
        } finally {
          await first.close();
        }
        written.push(...(await fixture.write(5)));

        const committed = new Set(beforeStop.map((record) => fixture.identify(record)));
        const second = await SourceRun.start(options, fixture, offsets);
        try {
          const missing = () => written.filter((id) => !committed.has(id));
          const afterRestart = await second.pollUntil((r) => r.length >= missing().length, timeoutMs);
          const ids = afterRestart.map((record) => fixture.identify(record));
          expect(ids.filter((id) => committed.has(id))).toEqual([]);
          expect(ids).toEqual(missing());
        } finally {
          await second.close();
        }
      }),
    );

    it(
      'returns from poll promptly once stopped',
      withFixture(async (fixture) => {
        const run = await SourceRun.start(options, fixture, new MemoryOffsetStore());
        try {
          const polling = run.task.poll();
          await settle(100);
          const stoppedAt = Date.now();
          run.stop.abort();
          await polling;
          expect(Date.now() - stoppedAt).toBeLessThan(1500);
        } finally {
          await run.task.close();
        }
      }),
    );

    it(
      'releases every resource on close',
      withFixture(async (fixture) => {
        await settle();
        const before = snapshotResources();
        const run = await SourceRun.start(options, fixture, new MemoryOffsetStore());
        try {
          await fixture.write(3);
          await run.pollUntil((r) => r.length >= 3, timeoutMs);
        } finally {
          await run.close();
        }
        await settleSince(before);
        expectNothingLeaked(before, 'createTask, poll and close');
      }),
    );
  });
}
