import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { Herder } from '@sluice/runtime';

/**
 * Distributed mode's figures, read from the herder's cluster view at scrape time: the tasks
 * placed on each worker, and this worker's rebalance and failover counts. A standalone worker
 * shows its own task count and no counters.
 */
export function clusterMetrics(registry: Registry, herder: Herder): void {
  new Gauge({
    name: 'sluice_cluster_worker_tasks',
    help: 'Tasks placed on each worker of the cluster (distributed), as this worker sees the placement.',
    labelNames: ['worker'],
    registers: [registry],
    collect() {
      this.reset();
      for (const worker of herder.cluster().workers) this.set({ worker: worker.id }, worker.tasks.length);
    },
  });
  const counters: [name: string, help: string, key: 'rebalances' | 'failovers'][] = [
    [
      'sluice_cluster_rebalances_total',
      'Slot assignment changes this worker saw (gained or gave up slots).',
      'rebalances',
    ],
    [
      'sluice_cluster_failovers_total',
      "Rebalances in which this worker took over slots another worker had held (that worker's tasks moved here).",
      'failovers',
    ],
  ];
  for (const [name, help, key] of counters) {
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        const count = herder.cluster().counters?.[key];
        this.reset();
        if (count !== undefined) this.inc(count);
      },
    });
  }
}
