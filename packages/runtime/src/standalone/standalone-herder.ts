import { isDeepStrictEqual } from 'node:util';
import { ClusterIdReader } from '../distributed/kafka-cluster-id.js';
import type { HerderOptions } from '../herder/base-herder.js';
import { BaseHerder } from '../herder/base-herder.js';
import type { ClusterView } from '../herder/herder.js';

/** Options of the standalone herder: its config store is a local file (FileConfigStore), as are its source offsets. */
export type StandaloneHerderOptions = HerderOptions;

/** How long start() waits for the Kafka cluster id before going on without it. */
const CLUSTER_ID_WAIT_MS = 3000;

/**
 * The standalone herder: one worker is the whole cluster. Connector configs and target states
 * in a ConfigStore (a local file, atomically rewritten), source offsets in a file, every task on
 * this worker's executor. Everything else is the mode-neutral BaseHerder. The Kafka cluster id
 * is read beside start (3 s at most awaited) and again later while unknown: it only informs.
 */
export class StandaloneHerder extends BaseHerder {
  private readonly clusterId: ClusterIdReader;

  constructor(options: StandaloneHerderOptions) {
    super(options);
    this.clusterId = new ClusterIdReader(options.kafka);
  }

  override async start(): Promise<void> {
    await Promise.all([super.start(), this.clusterId.ready(CLUSTER_ID_WAIT_MS)]);
  }

  /**
   * True when `name` is stored with exactly `config` (plus its name), compared by the raw values,
   * secrets included, so a worker can tell an unchanged connector file from a changed one. It
   * answers true or false only: it never shows a value.
   */
  holdsConfig(name: string, config: Readonly<Record<string, string>>): boolean {
    const stored = this.records.get(name)?.config;
    return stored !== undefined && isDeepStrictEqual({ ...stored, name }, { ...config, name });
  }

  override cluster(): ClusterView {
    const kafkaClusterId = this.clusterId.current();
    return { ...super.cluster(), ...(kafkaClusterId === undefined ? {} : { kafkaClusterId }) };
  }
}
