import type { SourceConfig } from './config.js';

/**
 * A list of collections splits over tasks.max: each task watches its share with its own change
 * stream and its own offset partition (named after its collections). Anything else (one
 * collection, a database, the deployment, include/exclude lists) is one stream, so one task:
 * splitting a single stream would break per-document order. Changing tasks.max regroups the
 * collections, so the new tasks start per startup.mode (their partitions are new).
 */
export function taskConfigs(config: SourceConfig, maxTasks: number): SourceConfig[] {
  const collections = (config.collection ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const tasks = Math.min(maxTasks, collections.length);
  if (tasks <= 1) return [config];
  const shares = Array.from({ length: tasks }, (_, task) => collections.filter((_c, i) => i % tasks === task));
  return shares.map((share) => ({ ...config, collection: share.join(',') }));
}
