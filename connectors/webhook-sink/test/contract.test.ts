import path from 'node:path';
import type { SinkRecord } from '@sluice/sdk';
import { describeSinkContract, expectReadmeTableCurrent } from '@sluice/testkit';
import WebhookSink from '../src/index.js';
import { startReceiver } from './receiver.js';

/** One stored record as a receiver that drops repeats by Kafka coordinates keeps it. */
const shown = (record: { topic: string; partition: number; offset: string; value: unknown }) =>
  `${record.topic}/${record.partition}/${record.offset}=${JSON.stringify(record.value)}`;

describeSinkContract({
  connector: WebhookSink,
  invalidConfigs: [
    { config: {}, field: 'url' },
    { config: { url: 'not a url' }, field: 'url' },
    { config: { url: 'http://127.0.0.1:1/x', 'batch.size': '0' }, field: 'batch.size' },
  ],
  // a fresh endpoint per test: a real HTTP server on a free local port
  fixture: async () => {
    const receiver = await startReceiver();
    receiver.refuses = (record) => typeof record.value !== 'object' || record.value === null;
    return {
      config: { url: receiver.url, 'batch.size': '4' },
      read: async () => [...new Set(receiver.accepted().map(shown))].sort(),
      expected: (records: readonly SinkRecord[]) => records.map(shown).sort(),
      badRecord: (template: SinkRecord) => ({ ...template, value: 'not an object' }),
      breakTarget: async () => void (receiver.mode = 503),
      repairTarget: async () => void (receiver.mode = 'ok'),
      cleanup: () => receiver.close(),
    };
  },
});

it('keeps the README config table in step with the schema', () => {
  expectReadmeTableCurrent(path.join(__dirname, '..', 'README.md'), WebhookSink.config);
});
