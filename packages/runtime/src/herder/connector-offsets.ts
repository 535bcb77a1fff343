import type { KafkaClientSettings } from '../kafka/client-config.js';
import type { GroupOffset } from '../kafka/group-offsets.js';
import { GroupOffsets } from '../kafka/group-offsets.js';
import type { AdministeredOffsetStore } from '../stores/offset-store.js';

type JsonMap = Record<string, unknown>;

/** One entry of Connect's offsets body: `offset: null` in a request removes the partition's offset. */
export interface ConnectorOffset {
  readonly partition: JsonMap;
  readonly offset: JsonMap | null;
}

/** A request to change offsets that Connect answers with 400; the message is Connect's. */
export class OffsetsRequestError extends Error {
  override readonly name = 'OffsetsRequestError';
}

/** What the offsets API needs to know of a connector: its kind, and whether nothing of it runs. */
export interface OffsetsSubject {
  kindOf(name: string): 'source' | 'sink';
  /** Connect's precondition for changing offsets: target STOPPED and no task left running. */
  isStopped(name: string): boolean;
}

/**
 * Connect's offsets API (KIP-875). Source offsets live in the
 * runtime's offset file; a sink connector's offsets are the committed offsets of its consumer
 * group `connect-<name>`, shown as `{kafka_topic, kafka_partition}` → `{kafka_offset}`.
 * Changes are allowed only while the connector is STOPPED, so no task races them.
 */
export class ConnectorOffsets {
  constructor(
    private readonly subject: OffsetsSubject,
    private readonly sourceOffsets: AdministeredOffsetStore,
    private readonly kafka: KafkaClientSettings,
  ) {}

  async get(name: string): Promise<ConnectorOffset[]> {
    if (this.subject.kindOf(name) === 'source') return this.sourceOffsets.list(name);
    return (await this.group(name).list()).map((p) => ({
      partition: { kafka_topic: p.topic, kafka_partition: p.partition },
      offset: { kafka_offset: p.offset },
    }));
  }

  /** Validates every entry first (nothing changes on a bad one), then applies them. */
  async alter(name: string, offsets: readonly ConnectorOffset[]): Promise<void> {
    this.requireStopped(name);
    if (this.subject.kindOf(name) === 'source') {
      return this.sourceOffsets.alter(name, offsets.map(checkSourceEntry));
    }
    const parsed = offsets.map(sinkEntry);
    const set = parsed.filter((p): p is GroupOffset => p.offset !== null);
    const remove = parsed.filter((p) => p.offset === null);
    await this.group(name).alter(set, remove);
  }

  async reset(name: string): Promise<void> {
    this.requireStopped(name);
    if (this.subject.kindOf(name) === 'source') return this.sourceOffsets.reset(name);
    await this.group(name).deleteAll();
  }

  private requireStopped(name: string): void {
    if (!this.subject.isStopped(name)) {
      throw new OffsetsRequestError(
        `Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/${name}/stop' endpoint`,
      );
    }
  }

  private group(name: string): GroupOffsets {
    return new GroupOffsets(this.kafka, `connect-${name}`);
  }
}

function checkSourceEntry(entry: ConnectorOffset): ConnectorOffset {
  if (!isMap(entry.partition))
    throw new OffsetsRequestError('The partition for a source connector offset must be a JSON object');
  if (entry.offset !== null && !isMap(entry.offset))
    throw new OffsetsRequestError('The offset for a source connector offset must be a JSON object or null');
  return entry;
}

/** Connect's SinkUtils.parseSinkConnectorOffsets rules and messages, one entry. */
function sinkEntry(entry: ConnectorOffset): { topic: string; partition: number; offset: number | null } {
  const { partition, offset } = entry;
  if (!isMap(partition))
    throw new OffsetsRequestError('The partition for a sink connector offset cannot be null or missing');
  if (!('kafka_topic' in partition) || !('kafka_partition' in partition)) {
    throw new OffsetsRequestError(
      "The partition for a sink connector offset must contain the keys 'kafka_topic' and 'kafka_partition'",
    );
  }
  const topic = partition.kafka_topic;
  if (typeof topic !== 'string' || topic === '')
    throw new OffsetsRequestError('Kafka topic names must be valid strings and may not be null');
  if (partition.kafka_partition === null || partition.kafka_partition === undefined)
    throw new OffsetsRequestError('Kafka partitions must be valid numbers and may not be null');
  const number = integer(partition.kafka_partition, 'partition');
  if (offset === null) return { topic, partition: number, offset: null };
  if (!isMap(offset) || !('kafka_offset' in offset))
    throw new OffsetsRequestError(
      "The offset for a sink connector should either be null or contain the key 'kafka_offset'",
    );
  return { topic, partition: number, offset: integer(offset.kafka_offset, 'offset') };
}

/** Numbers and numeric strings, as Connect accepts both. */
function integer(value: unknown, what: 'partition' | 'offset'): number {
  const parsed =
    typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : NaN;
  if (Number.isSafeInteger(parsed) && parsed >= 0) return parsed;
  throw new OffsetsRequestError(
    `Failed to parse the following Kafka ${what} value in the provided offsets: '${String(value)}'. ${
      what === 'partition' ? 'Partition values' : 'Offset values'
    } for sink connectors need to be integers.`,
  );
}

function isMap(value: unknown): value is JsonMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
