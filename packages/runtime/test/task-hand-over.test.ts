import { TaskHandOver } from '@sluice/runtime';
import type { KafkaTable, TaskHandOverOptions, TaskId, TaskRow, TaskStatusPublisher } from '@sluice/runtime';

// Stop before start across workers (docs/cluster.md, "Hand-over"): a task starts here only once
// no other live worker's row says it holds it, or once the bound has passed.
const task: TaskId = { connector: 'c', task: 0 };
const row = (worker: string, held?: boolean): TaskRow => ({
  state: 'RUNNING',
  worker,
  generation: 1,
  at: 0,
  ...(held === undefined ? {} : { held }),
});

function setUp(overrides: Partial<TaskHandOverOptions> = {}) {
  const state = { rows: [] as (TaskRow | undefined)[], live: new Set(['w1', 'w2', 'w3']), here: true };
  const written: string[] = [];
  const warnings: string[] = [];
  const publisher = {
    claim: async (tasks: readonly TaskId[]) => void written.push(`claim ${tasks.length}`),
    release: async (tasks: readonly TaskId[]) => void written.push(`release ${tasks.length}`),
  } as unknown as TaskStatusPublisher;
  const log = { info: () => {}, warn: (message: string) => warnings.push(message), error: () => {}, debug: () => {} };
  const handOver = new TaskHandOver({
    status: { catchUp: async () => undefined } as unknown as KafkaTable<unknown>,
    rowsOf: () => state.rows,
    publisher,
    workerId: 'w1',
    liveWorkers: () => state.live,
    stillHere: () => state.here,
    generation: () => 7,
    boundMs: 5_000,
    log: log as unknown as TaskHandOverOptions['log'],
    ...overrides,
  });
  return { state, written, warnings, handOver };
}

describe('TaskHandOver', () => {
  it('starts at once when no row names another holder, and claims first', async () => {
    const { state, written, handOver } = setUp();
    state.rows = [undefined, row('w1')];
    await expect(handOver.mayStart(task)).resolves.toBe(true);
    expect(written).toEqual(['claim 1']);
  });

  it('waits until the holder wrote its release', async () => {
    const { state, written, handOver } = setUp();
    state.rows = [row('w2'), row('w2')];
    const started = Date.now();
    setTimeout(() => (state.rows = [row('w2', false), row('w2', false)]), 400);
    await expect(handOver.mayStart(task)).resolves.toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    expect(written).toEqual(['claim 1']);
  });

  it('does not wait for a holder that owns no slot (gone from the group)', async () => {
    const { state, handOver } = setUp();
    state.rows = [row('w9')];
    const started = Date.now();
    await expect(handOver.mayStart(task)).resolves.toBe(true);
    expect(Date.now() - started).toBeLessThan(1500); // the bound (waited out) is 5 s
  });

  it('waits for the highest generation holder even when a zombie released later', async () => {
    const { state, handOver } = setUp({ boundMs: 600 });
    state.rows = [row('w2', false), row('w3')]; // latest: w2's late release; highest generation: w3 holds
    const started = Date.now();
    await expect(handOver.mayStart(task)).resolves.toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
  });

  it('gives up when the task is placed elsewhere meanwhile, claiming nothing', async () => {
    const { state, written, handOver } = setUp();
    state.rows = [row('w2')];
    setTimeout(() => (state.here = false), 200);
    await expect(handOver.mayStart(task)).resolves.toBe(false);
    expect(written).toEqual([]);
  });

  it('starts after the bound when the holder never lets go, and says so', async () => {
    const { state, warnings, handOver } = setUp({ boundMs: 300 });
    state.rows = [row('w2')];
    await expect(handOver.mayStart(task)).resolves.toBe(true);
    expect(warnings).toEqual(['starting a task its holder did not hand over']);
  });

  it('lets a task go again when it was placed elsewhere while claiming', async () => {
    const { state, written, handOver } = setUp();
    const claim = async () => void (written.push('claim 1'), (state.here = false));
    Object.assign((handOver as unknown as { options: { publisher: object } }).options.publisher, { claim });
    await expect(handOver.mayStart(task)).resolves.toBe(false);
    expect(written).toEqual(['claim 1', 'release 1']);
  });

  it('waits after claiming while a rival claim read back before its own still holds the task', async () => {
    const { state, written, handOver } = setUp();
    const claim = async () => void (written.push('claim 1'), (state.rows = [row('w1', true), row('w3', true)]));
    Object.assign((handOver as unknown as { options: { publisher: object } }).options.publisher, { claim });
    const started = Date.now();
    setTimeout(() => (state.rows = [row('w1', true), row('w3', false)]), 300); // the rival lets go
    await expect(handOver.mayStart(task)).resolves.toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(written).toEqual(['claim 1']);
  });

  it('lets go after claiming when the rival keeps the task and it was placed elsewhere', async () => {
    const { state, written, handOver } = setUp();
    const claim = async () => void (written.push('claim 1'), (state.rows = [row('w1', true), row('w3', true)]));
    Object.assign((handOver as unknown as { options: { publisher: object } }).options.publisher, { claim });
    setTimeout(() => (state.here = false), 300); // the newer placement puts it on the rival
    await expect(handOver.mayStart(task)).resolves.toBe(false);
    expect(written).toEqual(['claim 1', 'release 1']);
  });
});
