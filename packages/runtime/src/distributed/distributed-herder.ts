import { isDeepStrictEqual } from 'node:util';
import type { HerderOptions } from '../herder/base-herder.js';
import { BaseHerder } from '../herder/base-herder.js';
import type { TaskView } from '../herder/connector-views.js';
import { retargeted, taskCount } from '../herder/connector-views.js';
import type { ClusterView } from '../herder/herder.js';
import { NotLeaderError } from '../herder/herder-errors.js';
import { KafkaAdmin } from '../kafka/admin.js';
import type { StoredConnector } from '../stores/config-store.js';
import type { ClusterTopicSettings, ClusterTopics } from './cluster-topics.js';
import { ensureClusterTopics } from './cluster-topics.js';
import type { WorkerRecord } from './cluster-view.js';
import { clusterWorkers, leaderOf, slotOwners } from './cluster-view.js';
import { kafkaClusterId } from './kafka-cluster-id.js';
import { KafkaConfigStore } from './kafka-config-store.js';
import { KafkaOffsetStore } from './kafka-offset-store.js';
import { KafkaTable } from './kafka-table.js';
import { placeTasks, placementOf, taskKey } from './placement.js';
import { SlotMembership, groupTimings } from './slot-membership.js';
import { ClusterStatus } from './cluster-status.js';
import { Leadership } from './leadership.js';
import { QuietTrigger } from './quiet-trigger.js';

export interface DistributedHerderOptions extends Omit<HerderOptions, 'configs' | 'offsets'> {
  readonly groupId: string;
  /** This worker's REST URL as other workers reach it (writes are forwarded there when it leads). */
  readonly restUrl: string;
  readonly topics: ClusterTopics;
  readonly topicSettings?: ClusterTopicSettings;
  /** The failure detector: a worker silent this long loses its slots (default 10 s). */
  readonly sessionTimeoutMs?: number;
}

const PLACEMENT = 'placement';
const DEFAULT_SESSION_MS = 10_000;
const RESTART = 'restart-';

/**
 * The distributed herder: workers sharing a group id are one cluster (docs/cluster.md).
 * Configs, placement and restart requests in the config topic, source offsets in the offsets
 * topic, task states and worker records in the status topic; membership through SlotMembership.
 * This worker runs exactly the tasks placed on slots it owns. The leader (owner of slot 0)
 * takes every change: others refuse with NotLeaderError and the REST layer forwards.
 *
 * Invariants: records follow the config topic (every worker, the leader included, applies what
 * it reads back), so all workers converge on one state; a slot being released runs nothing.
 */
export class DistributedHerder extends BaseHerder {
  private readonly configTable: KafkaTable<unknown>;
  private readonly status: ClusterStatus;
  private readonly offsetStore: KafkaOffsetStore;
  private readonly membership: SlotMembership;
  private readonly releasing = new Set<number>();
  private placement = new Map<string, number>();
  /** Held while this worker leads: its config-topic writes run in transactions under the leader's id. */
  private readonly leadership: Leadership;
  private kafkaClusterId: string | undefined;
  private readonly counters = { rebalances: 0, failovers: 0 };
  /** The leader's rebalance after a membership change, once the workers' records have settled. */
  private readonly rebalance: QuietTrigger;

  constructor(private readonly settings: DistributedHerderOptions) {
    const configTable = new KafkaTable<unknown>(settings.kafka, settings.topics.config);
    const offsetStore = KafkaOffsetStore.create(settings.kafka, settings.topics.offsets);
    super({
      ...settings,
      // the tasks' own groups (sinks) detect a dead worker as fast as the cluster does
      kafka: { ...settings.kafka, ...groupTimings(settings.sessionTimeoutMs ?? DEFAULT_SESSION_MS) },
      configs: new KafkaConfigStore(configTable as KafkaTable<StoredConnector>),
      offsets: offsetStore,
    });
    this.configTable = configTable;
    this.offsetStore = offsetStore;
    this.status = new ClusterStatus({
      kafka: settings.kafka,
      topic: settings.topics.status,
      workerId: this.workerId,
      executor: this.executor,
      stillHere: ({ connector, task }) => this.tasksHere(connector).includes(task),
      // a frozen holder loses its slots within the session; a live one lets go within 2 stop timeouts
      handOverBoundMs: (settings.sessionTimeoutMs ?? DEFAULT_SESSION_MS) + 2 * stopTimeoutMs(settings),
      log: this.options.log('worker'),
    });
    this.leadership = new Leadership(
      settings.kafka,
      settings.groupId,
      configTable,
      () => this.membership.slots().includes(0) && !this.releasing.has(0),
      this.options.log('worker'),
    );
    const sessionMs = settings.sessionTimeoutMs ?? DEFAULT_SESSION_MS;
    // survivors' records arrive one by one after a death; placing on each moves tasks needlessly
    const quietMs = groupTimings(sessionMs)['heartbeat.interval.ms'] as number;
    this.rebalance = new QuietTrigger(() => this.placeNow(true), quietMs, sessionMs);
    this.membership = new SlotMembership(settings.kafka, {
      groupId: settings.groupId,
      topic: settings.topics.slots,
      workerId: this.workerId,
      sessionTimeoutMs: settings.sessionTimeoutMs ?? DEFAULT_SESSION_MS,
      gained: (slots) => this.gained(slots),
      released: (slots, lost) => this.release(slots, lost),
    });
  }

  override async start(): Promise<void> {
    const admin = new KafkaAdmin(this.settings.kafka);
    try {
      [this.kafkaClusterId] = await Promise.all([
        kafkaClusterId(this.settings.kafka),
        ensureClusterTopics(admin, this.settings.topics, this.settings.topicSettings),
      ]);
    } finally {
      admin.close();
    }
    await Promise.all([this.configTable.start(), this.status.start(), this.offsetStore.start()]);
    this.placement = placementOf(this.configTable.get(PLACEMENT));
    this.configTable.onChange((key, value) => this.configRecord(key, value));
    this.status.table.onChange((key, value) => {
      if (!key.startsWith('worker-')) return;
      const slots = (value as WorkerRecord | undefined)?.slots.length ?? 0;
      this.options.log('worker').debug('worker record read', { worker: key.slice('worker-'.length), slots });
      if (this.isLeader()) this.membershipMoved();
    });
    await super.start(); // loads the configs read so far; no task runs before a slot is owned
    await this.membership.start();
    this.status.startPublishing();
  }

  override async stop(timeoutMs = 30_000): Promise<void> {
    this.status.stopPublishing();
    this.rebalance.cancel();
    await this.membership.stop(); // releases every slot: its tasks stop, flush and commit
    await this.leadership.give();
    await super.stop(timeoutMs);
    await Promise.all([this.configTable.stop(), this.status.stop(), this.offsetStore.stop()]);
  }

  /** The workers of the cluster, their URLs and slots, the leader, and which worker runs what. */
  override cluster(): ClusterView {
    const records = this.workerRecords();
    return {
      mode: 'distributed',
      leader: leaderOf(records)?.id,
      ...(this.kafkaClusterId === undefined ? {} : { kafkaClusterId: this.kafkaClusterId }),
      counters: { ...this.counters },
      workers: clusterWorkers(records, this.placement),
    };
  }

  protected override change<T>(run: () => Promise<T>): Promise<T> {
    if (!this.isLeader()) return Promise.reject(new NotLeaderError(leaderOf(this.workerRecords())?.url));
    return super.change(run);
  }

  protected override tasksHere(name: string): readonly number[] {
    const owned = new Set(this.membership.slots().filter((slot) => !this.releasing.has(slot)));
    const count = this.records.get(name)?.resolved?.taskConfigs.length ?? 0;
    return Array.from({ length: count }, (_, task) => task).filter((task) => {
      const slot = this.placement.get(taskKey({ connector: name, task }));
      return slot !== undefined && owned.has(slot);
    });
  }

  /** The leader places the changed connector's tasks (moving nothing else) with the change. */
  protected override async afterChange(): Promise<void> {
    await this.place(false);
  }

  protected override async restartTasks(name: string, tasks: readonly number[]): Promise<void> {
    await this.leadership.write([[`${RESTART}${name}`, { tasks, at: Date.now() }]]);
  }

  protected override taskState(name: string, task: number): TaskView | undefined {
    return (
      super.taskState(name, task) ??
      this.status.taskView(name, task, this.placement.get(taskKey({ connector: name, task })))
    );
  }

  protected override mayStart(name: string, task: number): Promise<boolean> {
    return this.status.handOver.mayStart({ connector: name, task });
  }

  /** The offsets API's "no task left running" covers every worker: their release rows say so. */
  protected override runsElsewhere(name: string): boolean {
    return this.status.heldElsewhere(name);
  }

  protected override stoppedElsewhere(name: string): Promise<void> {
    return this.status.untilReleasedElsewhere(name, this.status.handOver.boundMs);
  }

  /** Released once stopped; a task abandoned at its stop timeout first finishes (bounded), its last commit made. */
  protected override async tasksStopped(name: string, tasks: readonly number[]): Promise<void> {
    await this.executor.abandonedClosed(name, 2 * stopTimeoutMs(this.settings));
    await this.status.handOver.stopped(tasks.map((task) => ({ connector: name, task })));
  }

  private isLeader(): boolean {
    return this.leadership.leading();
  }

  private workerRecords(): Map<string, WorkerRecord> {
    return this.status.workerRecords();
  }

  /** Counts the change (a failover when another worker had held one of the slots), then applies it. */
  private gained(slots: readonly number[]): void {
    this.options.log('worker').debug('slots assigned', { slots });
    const owners = slotOwners(this.workerRecords());
    this.counters.rebalances += 1;
    if (slots.some((slot) => ![undefined, this.workerId].includes(owners.get(slot)))) this.counters.failovers += 1;
    void this.membershipChanged();
  }

  /**
   * Slots gained or lost: tell the cluster, run what the slots hold, and (as leader) rebalance.
   * `released`: slots just given up, still owned until the membership hands them back; the
   * record must not claim them (it would be newer than their next owner's, and win).
   */
  private async membershipChanged(released: readonly number[] = []): Promise<void> {
    const owned = () => this.membership.slots().filter((slot) => !this.releasing.has(slot) && !released.includes(slot));
    if (owned().includes(0) && !this.leadership.held()) {
      await this.leadership
        .take()
        .catch((error: unknown) =>
          this.options.log('worker').error('could not take the lead', { error: (error as Error).message }),
        );
    }
    await this.publishWorker(owned());
    if (this.isLeader()) this.membershipMoved();
    this.syncAll();
  }

  /** This worker's record: its URL, its slots, whether it leads. */
  private async publishWorker(slots: readonly number[]): Promise<void> {
    const record: WorkerRecord = { url: this.settings.restUrl, slots, at: Date.now(), leading: this.isLeader() };
    await this.status.publishWorker(record);
  }

  /** Stops what runs in the slots; `lost` (session expired, e.g. partitioned): others may already run it. */
  private async release(slots: readonly number[], lost: boolean): Promise<void> {
    if (lost) this.options.log('worker').warn('lost slots to the cluster; stopping their tasks', { slots });
    else this.options.log('worker').debug('slots revoked', { slots });
    this.counters.rebalances += 1;
    for (const slot of slots) this.releasing.add(slot);
    if (slots.includes(0)) await this.leadership.give();
    this.syncAll();
    await Promise.all(this.connectors().map((name) => this.reconciler.settled(name)));
    for (const slot of slots) this.releasing.delete(slot);
    void this.membershipChanged(slots);
  }

  /**
   * Leader only, on a membership change: places tasks whose slot lost its owner at once, and
   * rebalances (moving tasks between live workers) once the workers' records have settled.
   */
  private membershipMoved(): void {
    this.placeNow(false);
    this.rebalance.request();
  }

  private placeNow(rebalance: boolean): void {
    this.place(rebalance).catch((error: unknown) =>
      this.options.log('worker').warn('could not write the placement', { error: (error as Error).message }),
    );
  }

  /** Leader only: the placement for the connectors and slot owners now, written when it changed. */
  private async place(rebalance: boolean): Promise<void> {
    if (!this.isLeader()) return;
    const tasks = this.connectors().flatMap((name) => {
      const record = this.records.get(name);
      const count = record ? taskCount(record) : 0;
      return Array.from({ length: count }, (_, task) => ({ connector: name, task }));
    });
    const next = placeTasks(tasks, slotOwners(this.workerRecords()), this.placement, rebalance);
    if (isDeepStrictEqual([...next].sort(), [...this.placement].sort())) return;
    const moved = [...next].filter(([task, slot]) => this.placement.get(task) !== slot).map(([task]) => task);
    await this.leadership.write([[PLACEMENT, { tasks: Object.fromEntries(next), at: Date.now() }]]);
    this.options.log('worker').debug('placement written', { rebalance, moved });
  }

  /** Applies a record of the config topic, whoever wrote it. */
  private configRecord(key: string, value: unknown): void {
    if (key === PLACEMENT) {
      this.placement = placementOf(value);
      this.options.log('worker').debug('placement read', { tasks: this.placement.size });
      this.syncAll();
    } else if (key.startsWith('connector-')) {
      this.connectorRecord(key.slice('connector-'.length), value as StoredConnector | undefined);
    } else if (key.startsWith(RESTART) && value !== undefined) {
      const name = key.slice(RESTART.length);
      const mine = this.tasksHere(name);
      const asked = (value as { tasks: number[] }).tasks.filter((task) => mine.includes(task));
      if (asked.length > 0) void this.reconciler.restart(name, asked).catch(() => undefined);
    }
  }

  private connectorRecord(name: string, stored: StoredConnector | undefined): void {
    const known = this.records.get(name);
    if (stored === undefined) this.records.delete(name);
    else if (known && isDeepStrictEqual(known.config, stored.config))
      this.records.set(name, retargeted(known, stored.target));
    else this.records.set(name, this.recordOf(name, stored.config, stored.target));
    void this.reconciler.sync(name);
  }

  private syncAll(): void {
    for (const name of this.connectors()) void this.reconciler.sync(name);
  }
}

const stopTimeoutMs = (settings: DistributedHerderOptions) => settings.taskStopTimeoutMs ?? 5000; // TaskExecutor's default
