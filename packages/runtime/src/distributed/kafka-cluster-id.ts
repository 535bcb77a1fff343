import type { KafkaClientSettings } from '../kafka/client-config.js';
import { connectClient, disconnectClient } from '../kafka/connect.js';
import { kafkaLibrary } from '../kafka/library.js';

interface LogEvent {
  readonly fac?: string;
  readonly message?: string;
}

const CLUSTER_ID = /ClusterId update "[^"]*" -> "([^"]+)"/;

/**
 * The Kafka cluster's id (what Connect shows as `kafka_cluster_id`), from the broker's metadata.
 * The client library does not expose it, but librdkafka logs it (facility CLUSTERID, debug
 * context `generic`) when its first metadata answer arrives, so a short-lived producer with
 * that debug context reads it, with whatever security settings the worker uses. Resolves
 * undefined when the broker gave none within `timeoutMs` (never rejects: the id is informative).
 */
export async function kafkaClusterId(settings: KafkaClientSettings, timeoutMs = 10_000): Promise<string | undefined> {
  let found: string | undefined;
  const producer = new (kafkaLibrary().Producer)({
    ...settings,
    'client.id': `${String(settings['client.id'] ?? 'sluice')}-cluster-id`,
    debug: 'generic',
    event_cb: true,
    log_level: 7,
  });
  producer.on('event.log', (event: LogEvent) => {
    const match = event.fac === 'CLUSTERID' ? CLUSTER_ID.exec(event.message ?? '') : null;
    if (match) found ??= match[1];
  });
  try {
    await connectClient(producer, 'reading the Kafka cluster id', timeoutMs);
    // the id is logged from the metadata answer the connect waits for; give the log a moment
    for (let waited = 0; found === undefined && waited < 1000; waited += 50)
      await new Promise((resolve) => setTimeout(resolve, 50));
    return found;
  } catch {
    return undefined;
  } finally {
    await disconnectClient(producer);
  }
}

/** How long after a failed read the next one may start. */
const RETRY_AFTER_MS = 30_000;

/**
 * The Kafka cluster id for a worker that does not need it to run (standalone): read in the
 * background, read again (at most every 30 s) while unknown, so a broker that was down at start
 * is named once it is up. Invariant: at most one read in flight.
 */
export class ClusterIdReader {
  private id: string | undefined;
  private reading: Promise<void> | undefined;
  private lastTry = 0;

  constructor(private readonly settings: KafkaClientSettings) {}

  /** The id if known; starts a read when it is not and none is in flight or recent. */
  current(): string | undefined {
    if (this.id === undefined && this.reading === undefined && Date.now() - this.lastTry >= RETRY_AFTER_MS)
      void this.read();
    return this.id;
  }

  /** Starts a read and waits for it, `timeoutMs` at most (the read goes on past it). */
  async ready(timeoutMs: number): Promise<void> {
    const read = this.reading ?? this.read();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([read, new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
  }

  private read(): Promise<void> {
    this.lastTry = Date.now();
    this.reading = kafkaClusterId(this.settings).then((id) => {
      this.id ??= id;
      this.reading = undefined;
    });
    return this.reading;
  }
}
