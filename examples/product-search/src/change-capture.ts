import type { ChangeStream, ChangeStreamDocument, Document } from 'mongodb';
import type { KafkaProducer, OutgoingMessage } from '@sluice/runtime';

const MAX_BATCH = 500;

/** What reached Kafka so far: the resume token is stored only once Kafka acknowledged. */
export interface CaptureProgress {
  events: number;
  batches: number;
  resumeToken: unknown;
  /** Milliseconds from a product's write in MongoDB to Kafka acknowledging its change event. */
  latenciesMs: number[];
}

/**
 * MongoDB change stream → Kafka: each event becomes a record keyed by the document's _id (so one
 * document's changes stay in order in one partition) whose value is the full document, or null
 * (a tombstone) for a delete. Runs until `signal` aborts.
 */
export async function captureChanges(
  stream: ChangeStream<Document>,
  producer: KafkaProducer,
  topic: string,
  signal: AbortSignal,
  progress: CaptureProgress = { events: 0, batches: 0, resumeToken: undefined, latenciesMs: [] },
): Promise<CaptureProgress> {
  while (!signal.aborted) {
    const batch = await nextBatch(stream);
    if (batch.length === 0) continue;
    await producer.send(batch.flatMap((event) => toMessage(event, topic)));
    progress.events += batch.length;
    progress.batches += 1;
    progress.resumeToken = batch[batch.length - 1]?._id;
    const acknowledgedAt = Date.now();
    for (const event of batch) {
      const writtenAt =
        'fullDocument' in event ? (event.fullDocument as { updated_at?: number } | null)?.updated_at : undefined;
      if (writtenAt) progress.latenciesMs.push(acknowledgedAt - writtenAt);
    }
  }
  return progress;
}

/** One event (waiting up to the server's await time), then whatever the driver already buffered. */
async function nextBatch(stream: ChangeStream<Document>): Promise<ChangeStreamDocument[]> {
  const first = await stream.tryNext();
  if (first === null) return [];
  const batch: ChangeStreamDocument[] = [first];
  while (stream.bufferedCount() > 0 && batch.length < MAX_BATCH) batch.push(await stream.next());
  return batch;
}

function toMessage(event: ChangeStreamDocument, topic: string): OutgoingMessage[] {
  switch (event.operationType) {
    case 'insert':
    case 'replace':
    case 'update':
      return [{ topic, key: Buffer.from(String(event.documentKey._id)), value: json(event.fullDocument) }];
    case 'delete':
      return [{ topic, key: Buffer.from(String(event.documentKey._id)), value: null }];
    default:
      return []; // drop, rename, invalidate: nothing to index
  }
}

function json(document: Document | null | undefined): Buffer | null {
  return document ? Buffer.from(JSON.stringify(document)) : null;
}
