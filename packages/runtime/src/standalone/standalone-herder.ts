import type { HerderOptions } from '../herder/base-herder.js';
import { BaseHerder } from '../herder/base-herder.js';

/** Options of the standalone herder: its config store is a local file (FileConfigStore), as are its source offsets. */
export type StandaloneHerderOptions = HerderOptions;

/**
 * The standalone herder: one worker is the whole cluster. Connector configs and target states
 * in a ConfigStore (a local file, atomically rewritten), source offsets in a file, every task on
 * this worker's executor. Everything else is the mode-neutral BaseHerder.
 */
export class StandaloneHerder extends BaseHerder {}
