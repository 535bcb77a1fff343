import type { Registry } from 'prom-client';
import type { Herder, HistogramSnapshot } from '@sluice/runtime';

type TaskType = 'source' | 'sink';

/** The two delivery-latency families, one per task type, with what each measures. */
const FAMILIES: readonly [type: TaskType, name: string, help: string][] = [
  [
    'source',
    'sluice_source_delivery_latency_seconds',
    "Per record, a source task's poll() returning it → Kafka acknowledging it (acks=all), in seconds.",
  ],
  [
    'sink',
    'sluice_sink_delivery_latency_seconds',
    "Per record, its Kafka timestamp → the target acknowledging it (as the sink task reports; CreateTime is the producer's clock), in seconds.",
  ],
];

interface Sample {
  readonly metricName: string;
  readonly labels: Record<string, string | number>;
  readonly value: number;
}

/**
 * Registers each task's delivery-latency histogram as a Prometheus histogram family (cumulative
 * `_bucket{le}` series ending at +Inf, `_sum` in seconds, `_count`), read at scrape time. Counts
 * start at 0 when a task starts: a restarted task reads as a counter reset.
 */
export function latencyMetrics(registry: Registry, herder: Herder): void {
  for (const [type, name, help] of FAMILIES) {
    registry.registerMetric({
      name,
      help,
      type: 'histogram',
      aggregator: 'sum',
      get: () => {
        const values: Sample[] = [];
        for (const task of herder.taskMetrics())
          if (task.type === type)
            values.push(
              ...samples(name, { connector: task.connector, task: String(task.task) }, task.metrics.deliveryLatency),
            );
        return { name, help, type: 'histogram', aggregator: 'sum', values };
      },
    } as never);
  }
}

function samples(name: string, labels: Record<string, string>, histogram: HistogramSnapshot): Sample[] {
  const out: Sample[] = [];
  let cumulative = 0;
  histogram.counts.forEach((count, i) => {
    cumulative += count;
    const le = i < histogram.bounds.length ? String(histogram.bounds[i]) : '+Inf';
    out.push({ metricName: `${name}_bucket`, labels: { ...labels, le }, value: cumulative });
  });
  out.push({ metricName: `${name}_sum`, labels, value: histogram.sum });
  out.push({ metricName: `${name}_count`, labels, value: histogram.count });
  return out;
}
