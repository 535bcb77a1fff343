import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { ConnectorState, Herder, TaskMetricsSnapshot } from '@sluice/runtime';
import { clusterMetrics } from './cluster-metrics.js';
import { latencyMetrics } from './latency-metrics.js';

type Figure = (metrics: TaskMetricsSnapshot) => number | undefined;

/**
 * Per-task cumulative figures, as Prometheus counters. They count since the task started: a
 * restarted task starts again from 0, which Prometheus reads as a counter reset.
 */
const COUNTERS: [name: string, help: string, figure: Figure][] = [
  [
    'sluice_task_records_in_total',
    'Records a task received (source: polled; sink: read from Kafka).',
    (m) => m.recordsIn,
  ],
  [
    'sluice_task_records_out_total',
    'Records a task delivered (source: acknowledged by Kafka; sink: put).',
    (m) => m.recordsOut,
  ],
  ['sluice_task_batches_total', 'Non-empty batches moved.', (m) => m.batches],
  ['sluice_task_call_seconds_total', 'Time spent in poll (source) or put (sink).', (m) => m.taskCalls.totalMs / 1000],
  ['sluice_task_offset_commits_total', 'Offset commits (sink) or stores (source).', (m) => m.offsetCommits],
  ['sluice_task_offset_commit_failures_total', 'Offset commits that failed.', (m) => m.offsetCommitFailures],
  ['sluice_task_retries_total', 'Retriable put/flush failures (sink) retried after a backoff.', (m) => m.retries],
  [
    'sluice_task_errant_records_total',
    'Records skipped under errors.tolerance=all (and sent to the DLQ if set).',
    (m) => m.errantRecords,
  ],
];

/** Per-task figures that go up and down. */
const GAUGES: [name: string, help: string, figure: Figure][] = [
  ['sluice_task_batch_size_max', 'Largest batch moved.', (m) => m.largestBatch],
  ['sluice_task_call_seconds_max', 'Longest poll or put.', (m) => m.taskCalls.maxMs / 1000],
  ['sluice_sink_record_lag', "Records in Kafka beyond a sink task's position.", (m) => m.recordLag],
  [
    'sluice_sink_assigned_partitions',
    'Partitions the consumer group assigned to a sink task.',
    (m) => m.assignedPartitions,
  ],
  [
    'sluice_sink_library_fetched_partitions',
    "Of a sink task's partitions, those librdkafka fetches instead of the direct fetch path (batches it cannot read, or the path off).",
    (m) => m.libraryFetchedPartitions,
  ],
];

/** Every state a connector or task can show, so each series exists (at 0) before it is needed. */
const STATES: readonly ConnectorState[] = ['RUNNING', 'PAUSED', 'STOPPED', 'FAILED', 'UNASSIGNED', 'RESTARTING'];

const PREFIX = 'sluice_worker_';

/**
 * GET /metrics in Prometheus text format: connector and task states, the tasks' figures and the
 * process's own, all read at scrape time. The registry is made here, when the server is built,
 * so the process figures are right from the first scrape: CPU counts from the process's start,
 * the event-loop delay and GC figures from the server's (prom-client costs about 1 MiB of RSS).
 */
export function metricsRoute(app: FastifyInstance, herder: Herder): void {
  const registry = createRegistry(herder);
  app.addHook('onClose', async () => registry.clear());
  const schema = {
    summary: 'Prometheus metrics',
    produces: ['text/plain'],
    response: { 200: { type: 'string', description: 'Prometheus text exposition format' } },
  };
  app.get('/metrics', { schema }, async (_request, reply) =>
    reply.type(registry.contentType).send(await registry.metrics()),
  );
}

function createRegistry(herder: Herder): Registry {
  const registry = new Registry();
  processMetrics(registry);
  stateMetrics(registry, herder);
  clusterMetrics(registry, herder);
  latencyMetrics(registry, herder);
  const labelNames = ['connector', 'task', 'type'];
  const each = (set: (labels: Record<string, string>, metrics: TaskMetricsSnapshot) => void) => {
    for (const task of herder.taskMetrics())
      set({ connector: task.connector, task: String(task.task), type: task.type }, task.metrics);
  };
  for (const [name, help, figure] of COUNTERS) {
    new Counter({
      ...{ name, help, labelNames, registers: [registry] },
      collect() {
        this.reset();
        each((labels, metrics) => {
          const value = figure(metrics);
          if (value !== undefined) this.inc(labels, value);
        });
      },
    });
  }
  for (const [name, help, figure] of GAUGES) {
    new Gauge({
      ...{ name, help, labelNames, registers: [registry] },
      collect() {
        this.reset();
        each((labels, metrics) => {
          const value = figure(metrics);
          if (value !== undefined) this.set(labels, value);
        });
      },
    });
  }
  // a task's own gauges (e.g. a source's `mongodb.lag.ms`) as one family, labelled by name
  new Gauge({
    name: 'sluice_task_connector_gauge',
    help: "A connector task's own gauge, such as how far behind its source it is (label name).",
    labelNames: [...labelNames, 'name'],
    registers: [registry],
    collect() {
      this.reset();
      each((labels, metrics) => {
        for (const [name, value] of Object.entries(metrics.gauges ?? {})) this.set({ ...labels, name }, value);
      });
    },
  });
  return registry;
}

/**
 * Connect's connector-*-task-count metrics as two families: connectors per state, and each
 * connector's tasks per state (a FAILED task shows as sluice_connector_tasks{state="FAILED"} 1).
 */
function stateMetrics(registry: Registry, herder: Herder): void {
  const counts = (states: readonly ConnectorState[]) => {
    const count = new Map<ConnectorState, number>(STATES.map((state) => [state, 0]));
    for (const state of states) count.set(state, (count.get(state) ?? 0) + 1);
    return count;
  };
  new Gauge({
    name: 'sluice_connectors',
    help: 'Connectors on this worker, by state.',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      this.reset();
      const states = herder.connectors().map((name) => herder.connectorStatus(name).connector.state);
      for (const [state, count] of counts(states)) this.set({ state }, count);
    },
  });
  new Gauge({
    name: 'sluice_connector_tasks',
    help: "A connector's tasks, by state (Connect's connector-<state>-task-count).",
    labelNames: ['connector', 'state'],
    registers: [registry],
    collect() {
      this.reset();
      for (const connector of herder.connectors()) {
        const states = herder.connectorStatus(connector).tasks.map((task) => task.state);
        for (const [state, count] of counts(states)) this.set({ connector, state }, count);
      }
    },
  });
}

/**
 * prom-client's process and Node figures, with CPU read as the process's total: prom-client's
 * own CPU counters count from the moment they are registered, so a worker that had spent 20
 * CPU-seconds would report a few milliseconds.
 */
function processMetrics(registry: Registry): void {
  collectDefaultMetrics({ register: registry, prefix: PREFIX });
  const cpu: [name: string, help: string, seconds: (usage: NodeJS.CpuUsage) => number][] = [
    ['process_cpu_user_seconds_total', 'User CPU time since the process started.', (u) => u.user / 1e6],
    ['process_cpu_system_seconds_total', 'System CPU time since the process started.', (u) => u.system / 1e6],
    [
      'process_cpu_seconds_total',
      'User and system CPU time since the process started.',
      (u) => (u.user + u.system) / 1e6,
    ],
  ];
  for (const [name, help, seconds] of cpu) {
    registry.removeSingleMetric(`${PREFIX}${name}`);
    new Counter({
      ...{ name: `${PREFIX}${name}`, help, registers: [registry] },
      collect() {
        this.reset();
        this.inc(seconds(process.cpuUsage()));
      },
    });
  }
  // the event-loop lag gauge is measured one tick after a collection: one now, so the first scrape has it
  void registry.getSingleMetric(`${PREFIX}nodejs_eventloop_lag_seconds`)?.get();
}
