import type { Client } from '@confluentinc/kafka-javascript';

type AnyClient = Pick<Client<never>, 'connect' | 'disconnect'>;

/** Connects a node-rdkafka-style client; rejects with the broker's reason. */
export function connectClient(client: AnyClient, what: string, timeoutMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    client.connect({ timeout: timeoutMs }, (error) => {
      if (error) reject(new Error(`${what}: connecting to Kafka failed: ${error.message}`, { cause: error }));
      else resolve();
    });
  });
}

/** Disconnects; never rejects (shutdown paths must finish). */
export function disconnectClient(client: AnyClient): Promise<void> {
  return new Promise((resolve) => {
    client.disconnect(() => resolve());
  });
}
