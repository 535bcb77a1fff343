// Where a 2-core machine's CPU goes during a pipeline run: the CPU seconds of every process in it
// (the sluice-worker, the project's services, this benchmark process with its writer and watcher),
// read from /proc at the start and end of a window. A pipeline that cannot hold a rate although
// no process of Sluice is busy shows it here; so does one that needs more cores than there are.
import os from 'node:os';
import { readPid, isOurProcess } from '../../scripts/services/common.mjs';
import { kafka } from '../../scripts/services/kafka.mjs';
import { mongo } from '../../scripts/services/mongo.mjs';
import { opensearch } from '../../scripts/services/opensearch.mjs';
import { cpuSeconds } from './sampler.mjs';

const SERVICES = [
  ['MongoDB emulator', mongo],
  ['Kafka broker', kafka],
  ['OpenSearch', opensearch],
];

/** The services' pids as their pid files say (only those running now). */
function servicePids() {
  const pids = [];
  for (const [label, service] of SERVICES) {
    const pid = readPid(service.pidFile);
    if (isOurProcess(pid, service.marker)) pids.push([label, pid]);
  }
  return pids;
}

/**
 * Starts a window over the worker (`workerPid`), the services and this process. `end()` returns
 * one row per process, `{ label, seconds, cores }` (cores = CPU seconds ÷ wall seconds), plus a
 * total row, and the machine's core count.
 */
export function cpuWindow(workerPid) {
  const processes = [['sluice-worker', workerPid], ...servicePids(), ['benchmark (writer, watcher)', process.pid]];
  const startedAt = performance.now();
  const at = new Map(processes.map(([label, pid]) => [label, cpuSeconds(pid) ?? 0]));
  return {
    end() {
      const wall = (performance.now() - startedAt) / 1000;
      const rows = processes.map(([label, pid]) => {
        const seconds = (cpuSeconds(pid) ?? at.get(label)) - at.get(label);
        return { label, seconds, cores: seconds / wall };
      });
      const total = rows.reduce((sum, row) => sum + row.seconds, 0);
      rows.push({ label: 'all of the above', seconds: total, cores: total / wall });
      return { rows, wall, machineCores: os.cpus().length };
    },
  };
}

/** A markdown table of a window's rows, with CPU per 1,000 events when `events` is given. */
export function cpuTable({ rows, machineCores }, events) {
  const header = `| process | cores used (of ${machineCores}) | CPU ms per 1,000 events |\n|---|---|---|`;
  const lines = rows.map(
    (r) => `| ${r.label} | ${r.cores.toFixed(2)} | ${events ? ((r.seconds / events) * 1e6).toFixed(0) : '–'} |`,
  );
  return [header, ...lines].join('\n');
}
