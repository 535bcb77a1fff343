import type { KafkaClientSettings } from '../client-config.js';
import type { DirectFetchSettings } from './direct-fetcher.js';
import { resetPolicy } from './start-positions.js';

/** The environment variable that turns the direct fetch path off for every consumer of a process. */
export const FETCH_PATH_VARIABLE = 'SLUICE_KAFKA_FETCH';

/**
 * The direct fetch path's settings, read from the consumer's librdkafka settings with
 * librdkafka's defaults; undefined where that path does not apply: a connection other than
 * plaintext (TLS and SASL stay librdkafka's), or `SLUICE_KAFKA_FETCH=library`.
 */
export function directFetchSettings(
  settings: KafkaClientSettings,
  autoOffsetReset: string,
  environment: NodeJS.ProcessEnv = process.env,
): DirectFetchSettings | undefined {
  if (environment[FETCH_PATH_VARIABLE] === 'library') return undefined;
  const protocol = String(settings['security.protocol'] ?? 'plaintext').toLowerCase();
  if (protocol !== 'plaintext') return undefined;
  const number = (names: string[], fallback: number): number => {
    for (const name of names) if (settings[name] !== undefined) return Number(settings[name]);
    return fallback;
  };
  return {
    clientId: String(settings['client.id'] ?? 'rdkafka'),
    maxWaitMs: number(['fetch.wait.max.ms'], 500),
    minBytes: number(['fetch.min.bytes'], 1),
    maxBytes: number(['fetch.max.bytes'], 52_428_800),
    partitionMaxBytes: number(['max.partition.fetch.bytes', 'fetch.message.max.bytes'], 1_048_576),
    isolationLevel: String(settings['isolation.level'] ?? 'read_committed') === 'read_uncommitted' ? 0 : 1,
    requestTimeoutMs: number(['socket.timeout.ms'], 60_000),
    reset: resetPolicy(autoOffsetReset),
  };
}
