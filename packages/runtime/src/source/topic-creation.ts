import { ConfigError } from '@sluice/sdk';
import type { TopicSpec } from '../kafka/admin.js';

const PREFIX = 'topic.creation.default.';

/**
 * Kafka Connect's source topic creation (KIP-158): with `topic.creation.default.partitions` and
 * `topic.creation.default.replication.factor` set (-1 = the broker's default), a source
 * connector's topics are created before the first record is written to them, with any other
 * `topic.creation.default.<topic config>` (e.g. `cleanup.policy`) as topic configs. Returns
 * undefined when the connector does not ask for it (the broker's auto-creation applies, if on).
 */
export function topicCreationOf(config: Readonly<Record<string, unknown>>): ((topic: string) => TopicSpec) | undefined {
  const settings = Object.fromEntries(
    Object.entries(config)
      .filter(([key]) => key.startsWith(PREFIX))
      .map(([key, value]) => [key.slice(PREFIX.length), String(value)]),
  );
  if (Object.keys(settings).length === 0) return undefined;
  const partitions = integer(settings, 'partitions');
  const replicationFactor = integer(settings, 'replication.factor');
  const { partitions: _p, 'replication.factor': _r, ...topicConfig } = settings;
  void _p;
  void _r;
  return (topic) => ({ topic, partitions, replicationFactor, config: topicConfig });
}

function integer(settings: Record<string, string>, key: string): number {
  const raw = settings[key];
  const value = Number(raw);
  if (raw === undefined)
    throw new ConfigError(`${PREFIX}${key}`, 'is required when any topic.creation.default.* key is set');
  if (!Number.isInteger(value) || (value < 1 && value !== -1)) {
    throw new ConfigError(`${PREFIX}${key}`, `must be a positive integer or -1 (the broker default), not ${raw}`);
  }
  return value;
}
