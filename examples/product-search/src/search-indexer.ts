import type { Client } from '@opensearch-project/opensearch';
import type { Message } from '@confluentinc/kafka-javascript';
import type { KafkaGroupConsumer } from '@sluice/runtime';
import { nextOffsets } from '@sluice/runtime';

export interface IndexProgress {
  actions: number;
  bulks: number;
  /** Milliseconds from a product's write in MongoDB to OpenSearch acknowledging it. */
  latenciesMs: number[];
}

/**
 * Kafka → OpenSearch: a batch of records becomes one bulk request (document id = record key, so
 * redelivery overwrites with the same content; null value = delete). Offsets are committed only
 * after OpenSearch acknowledged the bulk: nothing is committed that is not durable.
 */
export async function indexChanges(
  consumer: KafkaGroupConsumer,
  search: Client,
  index: string,
  signal: AbortSignal,
  progress: IndexProgress = { actions: 0, bulks: 0, latenciesMs: [] },
): Promise<IndexProgress> {
  while (!signal.aborted) {
    const messages = await consumer.consume(1000);
    if (messages.length === 0) continue;
    const response = await search.bulk({ index, body: messages.flatMap(toBulkLines) });
    if (response.body.errors) {
      const failed = response.body.items.find((item) => Object.values(item)[0]?.error);
      throw new Error(`bulk write failed: ${JSON.stringify(failed)}`);
    }
    const acknowledgedAt = Date.now();
    await consumer.commit(nextOffsets(messages));
    progress.actions += messages.length;
    progress.bulks += 1;
    for (const message of messages) {
      const writtenAt = message.value
        ? (JSON.parse(message.value.toString()) as { updated_at?: number }).updated_at
        : undefined;
      if (writtenAt) progress.latenciesMs.push(acknowledgedAt - writtenAt);
    }
  }
  return progress;
}

function toBulkLines(message: Message): object[] {
  const id = message.key?.toString();
  if (id === undefined) throw new Error(`record ${message.topic}/${message.partition}@${message.offset} has no key`);
  if (message.value === null) return [{ delete: { _id: id } }];
  const { _id, ...document } = JSON.parse(message.value.toString()) as Record<string, unknown>;
  void _id; // _id is metadata in OpenSearch, not a field
  return [{ index: { _id: id } }, document];
}
