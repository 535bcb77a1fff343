import { TaskRows } from '@sluice/runtime';
import type { KafkaTable, TaskRow } from '@sluice/runtime';

// How readers merge the status topic's task rows (the per-task generations of docs/cluster.md):
// the highest generation wins whatever the read order.
type Listener = (key: string, value: unknown) => void;
function table(initial: [string, unknown][] = []) {
  const listeners: Listener[] = [];
  const fake = { entries: () => initial, onChange: (listener: Listener) => listeners.push(listener) };
  return {
    table: fake as unknown as KafkaTable<unknown>,
    read: (key: string, value: unknown) => listeners.forEach((l) => l(key, value)),
  };
}
const row = (worker: string, generation: number, state: TaskRow['state'] = 'RUNNING'): TaskRow => ({
  state,
  worker,
  generation,
  at: 0,
});

describe('TaskRows', () => {
  it('keeps the highest generation: a stale worker read later does not replace a newer owner', () => {
    const { table: t, read } = table([['task-a-0', row('w1', 4)]]);
    const rows = new TaskRows(t);
    read('task-a-0', row('w2', 9)); // w2 took the slot over
    read('task-a-0', row('w1', 4, 'FAILED')); // w1, a zombie, writes late
    expect(rows.get('a', 0)).toEqual(row('w2', 9));
    read('task-a-0', row('w2', 9, 'PAUSED'));
    expect(rows.get('a', 0)?.state).toBe('PAUSED');
  });

  it("keeps each worker's latest row: a task moved to a worker of lower generation shows that worker's state", () => {
    const { table: t, read } = table();
    const rows = new TaskRows(t);
    read('task-a-0', row('w1', 9, 'UNASSIGNED')); // w1 let the task go (placement moved it)
    read('task-a-0', row('w2', 8)); // w2 runs it now, under its own, lower generation
    expect(rows.get('a', 0)?.worker).toBe('w1'); // the highest generation
    expect(rows.of('a', 0, 'w2')).toEqual(row('w2', 8)); // what the slot's owner wrote
    expect(rows.of('a', 0, 'w3')).toBeUndefined();
  });
});
