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
