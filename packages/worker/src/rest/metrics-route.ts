import type { FastifyInstance } from 'fastify';
import type * as PromClient from 'prom-client';
import type { Registry } from 'prom-client';
import type { StandaloneRuntime, TaskMetricsSnapshot } from '@sluice/runtime';

type Figure = (metrics: TaskMetricsSnapshot) => number | undefined;

/** Per-task figures as Prometheus gauges (cumulative ones named *_total), read at scrape time. */
const FIGURES: [name: string, help: string, figure: Figure][] = [
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
  ['sluice_task_batch_size_max', 'Largest batch moved.', (m) => m.largestBatch],
  ['sluice_task_call_seconds_total', 'Time spent in poll (source) or put (sink).', (m) => m.taskCalls.totalMs / 1000],
  ['sluice_task_call_seconds_max', 'Longest poll or put.', (m) => m.taskCalls.maxMs / 1000],
  ['sluice_task_offset_commits_total', 'Offset commits (sink) or stores (source).', (m) => m.offsetCommits],
  ['sluice_task_offset_commit_failures_total', 'Offset commits that failed.', (m) => m.offsetCommitFailures],
  ['sluice_task_retries_total', 'Retriable put/flush failures (sink) retried after a backoff.', (m) => m.retries],
  [
    'sluice_task_errant_records_total',
    'Records skipped under errors.tolerance=all (and sent to the DLQ if set).',
    (m) => m.errantRecords,
  ],
  ['sluice_sink_record_lag', "Records in Kafka beyond a sink task's position.", (m) => m.recordLag],
  [
    'sluice_sink_assigned_partitions',
    'Partitions the consumer group assigned to a sink task.',
    (m) => m.assignedPartitions,
  ],
];

/**
 * GET /metrics in Prometheus text format: the tasks' figures and the process's own. prom-client
 * is loaded at the first scrape (about 11 MB a worker nobody scrapes does not need); the
 * process figures are cumulative anyway, the event-loop lag is sampled from then on.
 */
export function metricsRoute(app: FastifyInstance, runtime: StandaloneRuntime): void {
  let registry: Registry | undefined;
  const schema = {
    summary: 'Prometheus metrics',
    response: { 200: { type: 'string', description: 'Prometheus text exposition format' } },
  };
  app.get('/metrics', { schema }, async (_request, reply) => {
    registry ??= createRegistry(runtime);
    return reply.type(registry.contentType).send(await registry.metrics());
  });
}

function createRegistry(runtime: StandaloneRuntime): Registry {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const prom = require('prom-client') as typeof PromClient;
  const registry = new prom.Registry();
  prom.collectDefaultMetrics({ register: registry, prefix: 'sluice_worker_' });
  for (const [name, help, figure] of FIGURES) {
    new prom.Gauge({
      name,
      help,
      labelNames: ['connector', 'task', 'type'],
      registers: [registry],
      collect() {
        this.reset();
        for (const task of runtime.metrics()) {
          const value = figure(task.metrics);
          if (value !== undefined)
            this.set({ connector: task.connector, task: String(task.task), type: task.type }, value);
        }
      },
    });
  }
  connectorGauges(prom, registry, runtime);
  return registry;
}

/** A task's own gauges (e.g. a source's `mongodb.lag.ms`) as one family, labelled by name. */
function connectorGauges(prom: typeof PromClient, registry: Registry, runtime: StandaloneRuntime): void {
  new prom.Gauge({
    name: 'sluice_task_connector_gauge',
    help: "A connector task's own gauge, such as how far behind its source it is (label name).",
    labelNames: ['connector', 'task', 'type', 'name'],
    registers: [registry],
    collect() {
      this.reset();
      for (const task of runtime.metrics())
        for (const [name, value] of Object.entries(task.metrics.gauges ?? {}))
          this.set({ connector: task.connector, task: String(task.task), type: task.type, name }, value);
    },
  });
}
