import type { SinkConnector } from '@sluice/sdk';
import type { TaskRunnerOptions } from '../task-runner.js';

export interface SinkRunnerOptions extends TaskRunnerOptions {
  readonly connector: SinkConnector;
  readonly topics: string[];
  /** How often put records are flushed and their offsets committed (Connect: offset.flush.interval.ms). */
  readonly commitIntervalMs?: number;
  readonly maxBatch?: number;
  /**
   * The worker's identity, the same after a restart and different for any other worker (e.g.
   * its host and state directory). Given, the task is a static group member whose id is derived
   * from it, so a worker restarted after a crash takes its partitions back at once instead of
   * waiting out the dead member's session. Absent: a dynamic member.
   */
  readonly memberIdentity?: string;
}
