import { randomUUID } from 'node:crypto';
import type { Message } from '@confluentinc/kafka-javascript';
import { KafkaGroupConsumer, kafkaClientSettings } from '@sluice/runtime';
import { requireService } from '@sluice/testkit';

/** Reads `topic` from its beginning until `enough(messages)` holds or `timeoutMs` passes. */
export async function readTopic(
  topic: string,
  enough: (messages: readonly Message[]) => boolean,
  timeoutMs = 30_000,
): Promise<Message[]> {
  const consumer = new KafkaGroupConsumer(kafkaClientSettings(requireService('kafka'), 'mongodb-source-test'), {
    groupId: `reader-${randomUUID()}`,
    autoOffsetReset: 'earliest',
  });
  await consumer.connect();
  consumer.subscribe([topic]);
  const messages: Message[] = [];
  const deadline = Date.now() + timeoutMs;
  try {
    while (!enough(messages) && Date.now() < deadline) messages.push(...(await consumer.consume(1000)));
  } finally {
    await consumer.disconnect();
  }
  return messages;
}

/** A header's value as a string ('' when absent). */
export function headerOf(message: Message, name: string): string {
  for (const header of message.headers ?? []) {
    const value = (header as Record<string, unknown>)[name];
    if (value !== undefined) return String(value);
  }
  return '';
}
