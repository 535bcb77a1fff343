import type { KafkaAdmin } from '../kafka/admin.js';

/** The cluster's internal topics, with Connect's setting names for the three stores. */
export interface ClusterTopics {
  /** config.storage.topic: configs, target states, placement, restart requests (1 partition). */
  readonly config: string;
  /** offset.storage.topic: source offsets. */
  readonly offsets: string;
  /** status.storage.topic: task states and worker records. */
  readonly status: string;
  /** Membership only: its partitions are the slots; never written. */
  readonly slots: string;
}

export interface ClusterTopicSettings {
  readonly replicationFactor?: number;
  readonly offsetsPartitions?: number;
  readonly statusPartitions?: number;
  readonly slots?: number;
}

/** Connect's defaults for the names, under the cluster's group id. */
export function clusterTopics(groupId: string, names: Partial<ClusterTopics> = {}): ClusterTopics {
  return {
    config: names.config ?? `${groupId}-configs`,
    offsets: names.offsets ?? `${groupId}-offsets`,
    status: names.status ?? `${groupId}-status`,
    slots: names.slots ?? `${groupId}-slots`,
  };
}

/** Creates the internal topics that are absent (compacted stores; the slots topic plain). */
export async function ensureClusterTopics(
  admin: KafkaAdmin,
  topics: ClusterTopics,
  settings: ClusterTopicSettings = {},
): Promise<void> {
  const replicationFactor = settings.replicationFactor ?? -1; // -1: the broker's default
  const compact = { 'cleanup.policy': 'compact' };
  await admin.ensureTopic({ topic: topics.config, partitions: 1, replicationFactor, config: compact });
  await admin.ensureTopic({
    topic: topics.offsets,
    partitions: settings.offsetsPartitions ?? 25,
    replicationFactor,
    config: compact,
  });
  await admin.ensureTopic({
    topic: topics.status,
    partitions: settings.statusPartitions ?? 5,
    replicationFactor,
    config: compact,
  });
  await admin.ensureTopic({ topic: topics.slots, partitions: settings.slots ?? 64, replicationFactor });
}
