import type { Logger } from '@sluice/sdk';
import type { KafkaClientSettings } from '../kafka/client-config.js';
import type { KafkaTable } from './kafka-table.js';
import { FencedError, TransactionalWriter } from './transactional-writer.js';

/**
 * The leader's hold on the config topic: a transactional producer under the cluster's fixed
 * `transactional.id` (`<groupId>-leader`). Taking it (`initTransactions`) fences any previous
 * leader, whose later writes fail; so it is taken only by a worker that owns slot 0 right then,
 * and once at a time (a needless take would fence the rightful leader).
 *
 * Invariant: while held, every config-topic write of the table goes through its transactions.
 */
export class Leadership {
  private writer: TransactionalWriter | undefined;
  private taking = false;

  constructor(
    private readonly settings: KafkaClientSettings,
    private readonly groupId: string,
    private readonly configTable: KafkaTable<unknown>,
    /** Whether this worker owns slot 0 now (and is not releasing it). */
    private readonly ownsSlotZero: () => boolean,
    private readonly log: Logger,
  ) {}

  /** Holds the transactional id and owns slot 0. */
  leading(): boolean {
    return this.writer !== undefined && this.ownsSlotZero();
  }

  held(): boolean {
    return this.writer !== undefined;
  }

  /** Takes the transactional id when slot 0 is this worker's, then reads the config topic to its end. */
  async take(): Promise<void> {
    if (this.writer || this.taking || !this.ownsSlotZero()) return;
    this.taking = true;
    const writer = new TransactionalWriter(this.settings, `${this.groupId}-leader`);
    try {
      await writer.start();
    } finally {
      this.taking = false;
    }
    if (!this.ownsSlotZero()) return void (await writer.stop());
    this.writer = writer;
    this.configTable.useWriter(writer);
    await this.configTable.catchUp();
    this.log.info('leading the cluster', { groupId: this.groupId });
  }

  /** Gives the transactional id up (slot 0 released, or fenced by a newer leader). */
  async give(): Promise<void> {
    const writer = this.writer;
    if (!writer) return;
    this.writer = undefined;
    this.configTable.useWriter(undefined);
    await writer.stop().catch(() => undefined);
  }

  /** A config-topic write as leader; fenced by a newer leader, this worker stops leading. */
  async write(rows: [string, unknown][]): Promise<void> {
    try {
      await this.configTable.write(rows);
    } catch (error) {
      if (error instanceof FencedError) {
        this.log.warn('fenced by a newer leader; no longer leading', { groupId: this.groupId });
        await this.give();
      }
      throw error;
    }
  }
}
