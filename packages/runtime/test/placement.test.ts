import { placeTasks, taskKey } from '@sluice/runtime';
import type { PlacedTask } from '@sluice/runtime';

// The distributed herder's placement, a pure function: balanced, sticky, spread, deterministic.
const tasksOf = (connector: string, count: number): PlacedTask[] =>
  Array.from({ length: count }, (_, task) => ({ connector, task }));

/** 64 slots dealt round-robin over the workers, as a cooperative-sticky assignor leaves them. */
function slotsOver(workers: readonly string[], count = 64): Map<number, string> {
  return new Map(Array.from({ length: count }, (_, slot) => [slot, workers[slot % workers.length] as string]));
}

function perWorker(placement: Map<string, number>, slots: Map<number, string>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [task, slot] of placement) {
    const worker = slots.get(slot) as string;
    out.set(worker, [...(out.get(worker) ?? []), task].sort());
  }
  return out;
}

const moved = (before: Map<string, number>, after: Map<string, number>) =>
  [...after].filter(([task, slot]) => before.has(task) && before.get(task) !== slot).map(([task]) => task);

describe('placeTasks', () => {
  const tasks = [...tasksOf('a', 3), ...tasksOf('b', 3), ...tasksOf('c', 1)];

  it('gives every worker a fair share and spreads a connector over workers', () => {
    const slots = slotsOver(['w1', 'w2', 'w3']);
    const placement = placeTasks(tasks, slots);
    expect(placement.size).toBe(7);
    const counts = [...perWorker(placement, slots).values()].map((list) => list.length).sort();
    expect(counts).toEqual([2, 2, 3]);
    for (const connector of ['a', 'b']) {
      const workers = new Set(tasksOf(connector, 3).map((t) => slots.get(placement.get(taskKey(t)) as number)));
      expect(workers.size).toBe(3); // three tasks of one connector on three workers
    }
  });

  it('is deterministic whatever the input order', () => {
    const slots = slotsOver(['w2', 'w1', 'w3']);
    expect([...placeTasks([...tasks].reverse(), slots)].sort()).toEqual([...placeTasks(tasks, slots)].sort());
  });

  it('moves nothing else when a connector is added or removed (no rebalance on a config change)', () => {
    const slots = slotsOver(['w1', 'w2', 'w3']);
    const before = placeTasks(tasks, slots);
    const added = placeTasks([...tasks, ...tasksOf('d', 2)], slots, before);
    expect(moved(before, added)).toEqual([]);
    const removed = placeTasks(
      tasks.filter((t) => t.connector !== 'b'),
      slots,
      before,
    );
    expect(moved(before, removed)).toEqual([]);
    // even when the removal leaves the workers uneven: only a membership change rebalances
    const lopsided = placeTasks([...tasksOf('x', 1), ...tasksOf('y', 1), ...tasksOf('z', 4)], slots);
    const kept = placeTasks([...tasksOf('z', 4), ...tasksOf('n', 1)], slots, lopsided);
    expect(moved(lopsided, kept)).toEqual([]);
  });

  it('moves only the departed worker’s tasks, onto the survivors, balanced', () => {
    const slots = slotsOver(['w1', 'w2', 'w3']);
    const before = placeTasks(tasks, slots);
    const survivors = new Map([...slots].filter(([, worker]) => worker !== 'w3'));
    const after = placeTasks(tasks, survivors, before, true);
    const lost = [...before].filter(([, slot]) => slots.get(slot) === 'w3').map(([task]) => task);
    expect(moved(before, after).sort()).toEqual(lost.sort());
    const counts = [...perWorker(after, survivors).values()].map((list) => list.length).sort();
    expect(counts).toEqual([3, 4]);
  });

  it('keeps a task on a slot that changed owner (the slot moved with its tasks)', () => {
    const slots = slotsOver(['w1', 'w2']);
    const before = placeTasks(tasks, slots);
    // a joining worker takes every third slot from the others, as the sticky assignor would
    const joined = new Map([...slots].map(([slot, worker]) => [slot, slot % 3 === 2 ? 'w3' : worker]));
    const after = placeTasks(tasks, joined, before, true);
    const counts = [...perWorker(after, joined).values()].map((list) => list.length);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    expect(moved(before, after).length).toBeLessThanOrEqual(3); // only what fairness asks for
  });

  it('places nothing without a live worker', () => {
    expect(placeTasks(tasks, new Map()).size).toBe(0);
  });

  it('churns little over a sequence of changes (100 tasks, workers joining and leaving)', () => {
    const many = Array.from({ length: 20 }, (_, i) => tasksOf(`c${i}`, 5)).flat();
    let slots = slotsOver(['w1', 'w2', 'w3', 'w4']);
    let placement = placeTasks(many, slots);
    let totalMoved = 0;
    for (const workers of [
      ['w1', 'w2', 'w3'],
      ['w1', 'w2', 'w3', 'w5'],
      ['w2', 'w3', 'w5'],
    ]) {
      const next = new Map(
        [...slots].map(([slot, w]) => [slot, workers.includes(w) ? w : (workers[slot % workers.length] as string)]),
      );
      const after = placeTasks(many, next, placement, true);
      totalMoved += moved(placement, after).length;
      const counts = [...perWorker(after, next).values()].map((list) => list.length);
      expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
      [slots, placement] = [next, after];
    }
    expect(totalMoved).toBeLessThan(100); // re-placing from scratch each time would move most of 300
  });
});
