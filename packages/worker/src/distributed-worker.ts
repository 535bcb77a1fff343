import os from 'node:os';
import { DistributedHerder, clusterTopics } from '@sluice/runtime';
import type winston from 'winston';
import type { LogLevels } from './log-levels.js';
import { workerBasics } from './worker-basics.js';
import type { WorkerConfig } from './worker-config.js';

export interface DistributedWorker {
  readonly herder: DistributedHerder;
  /** Where the REST API listens, e.g. http://127.0.0.1:8083. */
  readonly restUrl: string;
  /** Graceful: releases its slots (tasks flush, commit, close), leaves the cluster. */
  stop(): Promise<void>;
}

/**
 * A worker of a cluster (mode=distributed): every worker with the same groupId shares the
 * connectors; state in the cluster's Kafka topics (docs/cluster.md). The REST API listens first
 * (writes answer 409 until a leader is known), then the worker joins.
 */
export async function startDistributedWorker(
  config: WorkerConfig,
  log: winston.Logger,
  logLevels?: LogLevels,
): Promise<DistributedWorker> {
  const { herderOptions, security, restServer } = workerBasics(config, log, logLevels);
  const { cluster } = config;
  const scheme = security.tls ? 'https' : 'http';
  const { workerId } = herderOptions;
  const herder = new DistributedHerder({
    ...herderOptions,
    // the same worker after a restart: its sink tasks take their partitions back at once
    memberIdentity: `${os.hostname()}:${workerId}`,
    groupId: config.groupId,
    restUrl: cluster.advertisedUrl || `${scheme}://${config.rest.host}:${config.rest.port}`,
    topics: clusterTopics(config.groupId, {
      ...(cluster.configStorageTopic ? { config: cluster.configStorageTopic } : {}),
      ...(cluster.offsetStorageTopic ? { offsets: cluster.offsetStorageTopic } : {}),
      ...(cluster.statusStorageTopic ? { status: cluster.statusStorageTopic } : {}),
    }),
    topicSettings: {
      replicationFactor: cluster.replicationFactor,
      offsetsPartitions: cluster.offsetStoragePartitions,
      statusPartitions: cluster.statusStoragePartitions,
    },
    sessionTimeoutMs: cluster.sessionTimeoutMs,
  });
  const rest = restServer(herder);
  const restUrl = await rest.listen({ host: config.rest.host, port: config.rest.port });
  log.info('REST API listening', { url: restUrl, mode: 'distributed', groupId: config.groupId });
  await herder.start();
  log.info('joined the cluster', { groupId: config.groupId, workerId });
  return {
    herder,
    restUrl,
    stop: async () => {
      await herder.stop(config.shutdownTimeoutMs);
      await rest.close();
    },
  };
}
