import { describe, expect, it } from '@jest/globals';
import { RetriableError } from '@sluice/sdk';
import type { SinkConnector, SinkRecord, SinkTask } from '@sluice/sdk';
import { activeResources, leakedResources, settle } from './resources.js';
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

class SinkRun {
  readonly reports: Report[] = [];
  private constructor(readonly task: SinkTask) {}

  static async start(options: SinkContractOptions, fixture: SinkFixture): Promise<SinkRun> {
    const reports: Report[] = [];
    const config = options.connector.validator.parse(fixture.config);
    const task = await options.connector.createTask(config, sinkTaskContext(reports, new AbortController().signal));
    return Object.assign(new SinkRun(task), { reports });
  }

  /** put + flush, retrying a RetriableError as the runtime does (bounded). */
  async write(records: readonly SinkRecord[], attempts = 1): Promise<void> {
    await this.task.put(records);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.task.flush();
      } catch (error) {
        if (!(error instanceof RetriableError) || attempt >= attempts) throw error;
        await settle(100 * attempt);
      }
    }
  }
}

/**
 * The sink contract every sink connector passes: config validation field by field; put + flush
 * makes records durable; redelivery leaves the target unchanged; a retriable failure is retried,
 * not lost; a bad record is reported, not dropped; close releases every resource.
 */
export function describeSinkContract(options: SinkContractOptions): void {
  const withRun = (test: (fixture: SinkFixture, run: SinkRun) => Promise<void>) => async () => {
    const fixture = await options.fixture();
    const run = await SinkRun.start(options, fixture);
    try {
      await test(fixture, run);
    } finally {
      await run.task.close();
      await fixture.cleanup();
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

    it(
      'leaves the target unchanged when records are delivered again',
      withRun(async (fixture, run) => {
        const records = contractRecords(20);
        await run.write(records);
        await run.write(records.slice(5));
        const again = await SinkRun.start(options, fixture); // as after a crash before the commit
        await again.write(records);
        await again.task.close();
        expect(await fixture.read()).toEqual(fixture.expected(records));
      }),
    );

    it(
      'retries a failing target instead of losing records',
      withRun(async (fixture, run) => {
        const records = contractRecords(10);
        await fixture.breakTarget();
        await expect(run.write(records)).rejects.toBeInstanceOf(RetriableError);
        await fixture.repairTarget();
        await run.write([], 5); // the runtime retries flush; the records put before are not lost
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
      await settle();
      const before = activeResources();
      const run = await SinkRun.start(options, fixture);
      await run.write(contractRecords(5));
      await run.task.close();
      await settle();
      expect(leakedResources(before, activeResources())).toEqual({});
      await fixture.cleanup();
    });
  });
}
