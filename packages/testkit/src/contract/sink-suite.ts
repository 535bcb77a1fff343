import { describe, expect, it } from '@jest/globals';
import { isRetriableError } from '@sluice/sdk';
import type { SinkConnector, SinkRecord, SinkTask } from '@sluice/sdk';
import { expectNothingLeaked, releaseNewHandles, settle, settleSince, snapshotResources } from './resources.js';
import type { Report } from './task-contexts.js';
import { sinkTaskContext } from './task-contexts.js';

/** A fresh, empty target for one test, and how to look into it. */
export interface SinkFixture {
  /** The connector config (string map, as operators submit it) that writes to this target. */
  readonly config: Record<string, unknown>;
  /** The target's content, one canonical string per stored record, sorted. */
  read(): Promise<string[]>;
  /** What read() must return once exactly these records are stored, sorted. */
  expected(records: readonly SinkRecord[]): string[];
  /** A record this connector cannot write and must report (not drop, not fail on). */
  badRecord(template: SinkRecord): SinkRecord;
  /** Makes the target unavailable (down, unreachable, throttling), then available again. */
  breakTarget(): Promise<void>;
  repairTarget(): Promise<void>;
  cleanup(): Promise<void>;
}

export interface SinkContractOptions {
  readonly connector: SinkConnector;
  readonly fixture: () => Promise<SinkFixture>;
  readonly invalidConfigs: readonly { readonly config: Record<string, unknown>; readonly field: string }[];
}

/** Records as a consumer delivers them: two partitions, increasing offsets, JSON object values. */
export function contractRecords(count: number, from = 0): SinkRecord[] {
  return Array.from({ length: count }, (_, n) => {
    const i = from + n;
    return {
      topic: 'contract',
      partition: i % 2,
      offset: String(Math.floor(i / 2)),
      key: `key-${i}`,
      value: { id: i, name: `record ${i}` },
      headers: {},
      timestamp: 1_700_000_000_000 + i,
    };
  });
}

/** How a call is retried after a RetriableError: at most `attempts` calls, `onRetry` before each new one. */
interface Retry {
  readonly attempts: number;
  readonly onRetry?: (call: 'put' | 'flush', error: Error) => Promise<void>;
}

/** Calls `call` until it resolves, retrying a RetriableError (by brand, any SDK copy) as the runtime does. */
async function retried(name: 'put' | 'flush', call: () => Promise<void>, retry: Retry): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!isRetriableError(error) || attempt >= retry.attempts) throw error;
      await retry.onRetry?.(name, error);
      await settle(20 * Math.min(attempt, 10));
    }
  }
}

class SinkRun {
  readonly reports: Report[] = [];
  private constructor(readonly task: SinkTask) {}

  static async start(options: SinkContractOptions, fixture: SinkFixture): Promise<SinkRun> {
    const reports: Report[] = [];
    const config = options.connector.validator.parse(fixture.config);
    const task = await options.connector.createTask(config, sinkTaskContext(reports, new AbortController().signal));
    return Object.assign(new SinkRun(task), { reports });
  }

  /**
   * What the runtime does with a batch: `put` (called again with the same records after a
   * RetriableError), then `flush` (called again after a RetriableError); here at most
   * `retry.attempts` calls each.
   */
  async write(records: readonly SinkRecord[], retry: Retry = { attempts: 1 }): Promise<void> {
    await retried('put', () => this.task.put(records), retry);
    await retried('flush', () => this.task.flush(), retry);
  }
}

/** Runs `steps` in order, each even if one before it threw; rethrows the first error. */
async function inTurn(...steps: (() => Promise<unknown>)[]): Promise<void> {
  const errors: unknown[] = [];
  for (const step of steps) await step().catch((error: unknown) => errors.push(error));
  if (errors.length > 0) throw errors[0];
}

/**
 * The sink contract every sink connector passes: config validation field by field; put + flush
 * makes records durable; redelivery leaves the target unchanged; a retriable failure of `put`
 * or `flush` is retried as the runtime retries it (same records), and nothing is lost; a bad
 * record is reported, not dropped; close releases every resource.
 *
 * Every test closes its tasks and cleans its fixture up whatever happened (`finally`), and
 * unrefs sockets and servers it left open, so a failure never keeps jest from exiting.
 */
export function describeSinkContract(options: SinkContractOptions): void {
  const withRun = (test: (fixture: SinkFixture, run: SinkRun) => Promise<void>) => async () => {
    const before = snapshotResources();
    const fixture = await options.fixture();
    let run: SinkRun | undefined;
    try {
      run = await SinkRun.start(options, fixture);
      await test(fixture, run);
    } finally {
      await inTurn(
        async () => run?.task.close(),
        () => fixture.cleanup(),
      );
      releaseNewHandles(before);
    }
  };

  describe(`${options.connector.name} sink contract`, () => {
    it.each(options.invalidConfigs.map((c) => [c.field, c.config] as const))(
      'rejects a bad config, naming %s',
      async (field, config) => {
        const named = options.connector.validator.validate(config).fields.filter((f) => f.errors.length > 0);
        expect(named.map((f) => f.name)).toContain(field);
      },
    );

    it(
      'makes every record durable in the target by flush',
      withRun(async (fixture, run) => {
        const records = contractRecords(20);
        await run.write(records);
        expect(await fixture.read()).toEqual(fixture.expected(records));
      }),
    );

    // only for a sink that declares valueJsonText: the others are never handed valueJson
    if (options.connector.valueJsonText === true)
      it(
        'writes values handed over as JSON text (valueJsonText) as it writes parsed ones',
        withRun(async (fixture, run) => {
          // as the runtime hands them over: the text as produced (here with spaces), and its parse
          const records = contractRecords(20).map((record) => ({
            ...record,
            valueJson: Buffer.from(JSON.stringify(record.value).replaceAll(',', ', ')),
          }));
          await run.write(records);
          expect(await fixture.read()).toEqual(fixture.expected(records));
        }),
      );

    it(
      'leaves the target unchanged when records are delivered again',
      withRun(async (fixture, run) => {
        const records = contractRecords(20);
        await run.write(records);
        await run.write(records.slice(5));
        const again = await SinkRun.start(options, fixture); // as after a crash before the commit
        try {
          await again.write(records);
        } finally {
          await again.task.close();
        }
        expect(await fixture.read()).toEqual(fixture.expected(records));
      }),
    );

    it(
      'retries a failing target as the runtime does (put or flush again), and loses nothing',
      withRun(async (fixture, run) => {
        const records = contractRecords(10);
        await fixture.breakTarget();
        const failed: string[] = [];
        await run
          .write(records, {
            attempts: 50,
            onRetry: async (call) => {
              failed.push(call);
              if (failed.length === 1) await fixture.repairTarget();
            },
          })
          .catch((error: unknown) => {
            if (isRetriableError(error)) throw error;
            throw new Error(
              `while the target was broken, put or flush threw ${String(error)}, not a RetriableError: ` +
                'the runtime would fail the task instead of retrying',
              { cause: error },
            );
          });
        if (failed.length === 0) {
          throw new Error(
            'put and flush both succeeded while the target was broken: breakTarget() must make writes fail, ' +
              'and the sink must throw RetriableError from put or flush then (never resolve over a failed write)',
          );
        }
        expect(await fixture.read()).toEqual(fixture.expected(records));
      }),
    );

    it(
      'reports a bad record and writes the rest',
      withRun(async (fixture, run) => {
        const [first, second, third] = contractRecords(3);
        if (!first || !second || !third) throw new Error('contractRecords(3) returned fewer records');
        const bad = fixture.badRecord(second);
        await run.write([first, bad, third]);
        expect(run.reports.map((report) => report.record)).toEqual([bad]);
        expect(run.reports[0]?.error.message).not.toBe('');
        expect(await fixture.read()).toEqual(fixture.expected([first, third]));
      }),
    );

    it('releases every resource on close', async () => {
      const fixture = await options.fixture();
      try {
        await settle();
        const before = snapshotResources();
        const run = await SinkRun.start(options, fixture);
        try {
          await run.write(contractRecords(5));
        } finally {
          await run.task.close();
        }
        await settleSince(before);
        expectNothingLeaked(before, 'createTask, put, flush and close');
      } finally {
        await fixture.cleanup();
      }
    });
  });
}
