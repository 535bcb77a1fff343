/** A task of a connector, as placement sees it: `"<connector>/<task>"` keys keep maps cheap. */
export interface PlacedTask {
  readonly connector: string;
  readonly task: number;
}

/** Which slot each task runs in, keyed by `taskKey()`. */
export type Placement = ReadonlyMap<string, number>;

export function taskKey(task: PlacedTask): string {
  return `${task.connector}/${task.task}`;
}

/** The placement a config-topic record holds (`{ tasks: { "<connector>/<task>": slot } }`). */
export function placementOf(value: unknown): Map<string, number> {
  const tasks = (value as { tasks?: Record<string, number> } | undefined)?.tasks ?? {};
  return new Map(Object.entries(tasks).filter(([, slot]) => typeof slot === 'number'));
}

/**
 * Places tasks onto membership slots so that live workers run fair shares, a connector's tasks
 * are spread over workers, and as little as possible moves. Pure and deterministic: the same
 * inputs give the same placement on every worker.
 *
 * - `slots`: slot number → the worker that owns it now (slots with no owner are not used).
 * - `previous`: the placement in force; a task stays on its slot while that slot is owned.
 * - `rebalance`: false (a config change: a connector added, changed or removed) keeps every
 *   task whose slot is owned, so no other connector's task restarts; true (membership changed:
 *   a worker joined or departed) also moves tasks off workers above their fair share
 *   (`floor(tasks / workers)`, one more for `tasks mod workers` of them), leaving max - min <= 1.
 *   A departed worker's slots move to the survivors with their tasks, so only fairness moves more.
 * - New and displaced tasks go to the worker with the fewest tasks (fewest of the same
 *   connector first), into that worker's least-loaded slot (lowest number on a tie).
 */
export function placeTasks(
  tasks: readonly PlacedTask[],
  slots: ReadonlyMap<number, string>,
  previous: Placement = new Map(),
  rebalance = false,
): Map<string, number> {
  const workers = [...new Set(slots.values())].sort();
  const placed = new Map<string, number>();
  if (workers.length === 0) return placed;
  // a fair share is floor(T/W) tasks, and T mod W workers may keep one more: max - min <= 1
  const floor = Math.floor(tasks.length / workers.length);
  let extraAllowed = tasks.length % workers.length;
  const load = new Load(slots);
  const mayKeep = (worker: string): boolean => {
    const held = load.tasksOf(worker);
    if (!rebalance || held < floor) return true;
    if (held > floor || extraAllowed === 0) return false;
    extraAllowed -= 1;
    return true;
  };
  const ordered = [...tasks].sort((a, b) => a.connector.localeCompare(b.connector) || a.task - b.task);
  const homeless: PlacedTask[] = [];
  for (const task of ordered) {
    const slot = previous.get(taskKey(task));
    const owner = slot === undefined ? undefined : slots.get(slot);
    if (slot !== undefined && owner !== undefined && mayKeep(owner)) {
      load.add(task, slot);
      placed.set(taskKey(task), slot);
    } else {
      homeless.push(task);
    }
  }
  for (const task of homeless) {
    const worker = leastLoaded(workers, load, task.connector);
    const slot = load.emptiestSlotOf(worker);
    load.add(task, slot);
    placed.set(taskKey(task), slot);
  }
  return placed;
}

function leastLoaded(workers: readonly string[], load: Load, connector: string): string {
  let best = workers[0] as string;
  for (const worker of workers.slice(1)) {
    const [a, b] = [load.tasksOf(worker), load.tasksOf(best)];
    if (a < b || (a === b && load.tasksOf(worker, connector) < load.tasksOf(best, connector))) best = worker;
  }
  return best;
}

/** Running counts while placing: tasks per worker, per (worker, connector) and per slot. */
class Load {
  private readonly perWorker = new Map<string, number>();
  private readonly perConnector = new Map<string, number>();
  private readonly perSlot = new Map<number, number>();
  private readonly slotsOf = new Map<string, number[]>();

  constructor(private readonly slots: ReadonlyMap<number, string>) {
    for (const [slot, worker] of [...slots.entries()].sort((a, b) => a[0] - b[0])) {
      this.slotsOf.set(worker, [...(this.slotsOf.get(worker) ?? []), slot]);
    }
  }

  tasksOf(worker: string, connector?: string): number {
    return connector === undefined
      ? (this.perWorker.get(worker) ?? 0)
      : (this.perConnector.get(`${worker}\u0000${connector}`) ?? 0);
  }

  emptiestSlotOf(worker: string): number {
    const owned = this.slotsOf.get(worker) ?? [];
    let best = owned[0] as number;
    for (const slot of owned) if ((this.perSlot.get(slot) ?? 0) < (this.perSlot.get(best) ?? 0)) best = slot;
    return best;
  }

  add(task: PlacedTask, slot: number): void {
    const worker = this.slots.get(slot) as string;
    this.perWorker.set(worker, this.tasksOf(worker) + 1);
    const key = `${worker}\u0000${task.connector}`;
    this.perConnector.set(key, (this.perConnector.get(key) ?? 0) + 1);
    this.perSlot.set(slot, (this.perSlot.get(slot) ?? 0) + 1);
  }
}
