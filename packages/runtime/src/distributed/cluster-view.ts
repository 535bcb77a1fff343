import type { ClusterView } from '../herder/herder.js';

/** A worker's record in the status topic: where its REST API is and which slots it owns. */
export interface WorkerRecord {
  readonly url: string;
  readonly slots: readonly number[];
  /** When it wrote this record (ms); for a slot claimed by two records, the newer wins. */
  readonly at: number;
  /** It owns slot 0 and holds the leader's transactional id: it takes writes. */
  readonly leading?: boolean;
}

/**
 * Who owns which slot, from the workers' records: per slot the newest claim wins, so a dead
 * worker's stale record loses its slots as soon as their new owners have written theirs.
 */
export function slotOwners(workers: ReadonlyMap<string, WorkerRecord>): Map<number, string> {
  const owners = new Map<number, { worker: string; at: number }>();
  for (const [worker, record] of workers) {
    for (const slot of record.slots) {
      const known = owners.get(slot);
      if (!known || known.at < record.at || (known.at === record.at && known.worker < worker))
        owners.set(slot, { worker, at: record.at });
    }
  }
  return new Map([...owners].map(([slot, { worker }]) => [slot, worker]));
}

/** The leader: the owner of slot 0, once it says it leads (it holds the leader's transactional id). */
export function leaderOf(workers: ReadonlyMap<string, WorkerRecord>): { id: string; url: string } | undefined {
  const id = slotOwners(workers).get(0);
  const record = id === undefined ? undefined : workers.get(id);
  return id === undefined || !record?.leading ? undefined : { id, url: record.url };
}

/** The workers holding slots, each with its URL, its slots and the tasks `placement` puts there. */
export function clusterWorkers(
  records: ReadonlyMap<string, WorkerRecord>,
  placement: ReadonlyMap<string, number>,
): ClusterView['workers'] {
  const owners = slotOwners(records);
  return [...records]
    .map(([id, record]) => ({ id, url: record.url, slots: [...owners].filter(([, w]) => w === id).map(([s]) => s) }))
    .filter((worker) => worker.slots.length > 0)
    .map((worker) => ({
      ...worker,
      tasks: [...placement]
        .filter(([, slot]) => owners.get(slot) === worker.id)
        .map(([task]) => task)
        .sort(),
    }));
}

/** The worker records among a status table's rows (`worker-<id>`), by worker id. */
export function workerRecordsOf(rows: readonly [string, unknown][]): Map<string, WorkerRecord> {
  return new Map(
    rows
      .filter(([key]) => key.startsWith('worker-'))
      .map(([key, value]) => [key.slice('worker-'.length), value as WorkerRecord]),
  );
}
