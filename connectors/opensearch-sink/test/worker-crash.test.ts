import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KafkaAdmin, KafkaProducer, kafkaClientSettings } from '@sluice/runtime';
import { eventually, requireService } from '@sluice/testkit';
import { startWorkerProcess } from '@sluice/worker';
import type { WorkerProcess } from '@sluice/worker';
import { admin, opensearchUrl } from './helpers';

// At-least-once plus idempotence across a kill -9: a real sluice-worker process running the sink
// is killed while bulks are in flight, then restarted; the index must end equal to the source
// (every key's last change; deleted keys absent), with no document missing or stale.
// Runs the built worker (npx tsc -b first).
const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'opensearch-crash-'));
afterAll(async () => {
  fs.rmSync(stateDir, { recursive: true, force: true });
  await admin.close();
});

const KEYS = 3000;
const REVISIONS = 20;

/** The source: every key changed REVISIONS times, then every tenth key deleted. */
function changes(): { key: string; value: Record<string, unknown> | null }[] {
  const updates = Array.from({ length: KEYS * REVISIONS }, (_, i) => ({
    key: `p${i % KEYS}`,
    value: { sku: `p${i % KEYS}`, revision: Math.floor(i / KEYS), price: i % 997 },
  }));
  const deletes = Array.from({ length: KEYS / 10 }, (_, i) => ({ key: `p${i * 10}`, value: null }));
  return [...updates, ...deletes];
}

function finalState(all: ReturnType<typeof changes>): Map<string, unknown> {
  const state = new Map<string, unknown>();
  for (const change of all) {
    if (change.value === null) state.delete(change.key);
    else state.set(change.key, change.value);
  }
  return state;
}

/** Waits until the index's primaries are active: a search right after the sink created it can fail "all shards failed". */
async function searchable(index: string): Promise<void> {
  await admin.cluster.health({ index, wait_for_status: 'yellow', timeout: '30s' }, { ignore: [404, 408] });
}

async function indexState(index: string): Promise<Map<string, unknown>> {
  await searchable(index);
  await admin.indices.refresh({ index }, { ignore: [404] });
  const found = await admin.search({ index, body: { size: 10_000, query: { match_all: {} } } }, { ignore: [404] });
  return new Map((found.body.hits?.hits ?? []).map((hit) => [String(hit._id), hit._source]));
}

async function documentCount(index: string): Promise<number> {
  await searchable(index);
  await admin.indices.refresh({ index }, { ignore: [404] });
  return Number((await admin.count({ index }, { ignore: [404] })).body.count ?? 0);
}

function startWorker(connectorConfig: Record<string, string>): Promise<WorkerProcess> {
  return startWorkerProcess({
    stateDir,
    bootstrapServers: requireService('kafka'),
    settings: { offsetFlushIntervalMs: 1000 },
    connectors: { 'crash-sink': connectorConfig },
    timeoutMs: 30_000,
  });
}

describe('OpenSearch sink in a sluice-worker killed with SIGKILL mid-bulk', () => {
  it('ends with the index equal to the source after a restart', async () => {
    const topic = `os-crash-${randomUUID()}`;
    const index = topic;
    const settings = kafkaClientSettings(requireService('kafka'), 'os-crash-test');
    const kafkaAdmin = new KafkaAdmin(settings);
    await kafkaAdmin.ensureTopic({ topic, partitions: 3, replicationFactor: 1 });
    const source = changes();
    const producer = new KafkaProducer(settings);
    await producer.connect();
    await producer.send(
      source.map(({ key, value }) => ({
        topic,
        key: Buffer.from(key),
        value: value === null ? null : Buffer.from(JSON.stringify(value)),
      })),
    );
    await producer.disconnect();
    const config = {
      'connector.class': 'OpenSearchSink',
      topics: topic,
      'connection.url': opensearchUrl,
      'index.name.template': index,
      'batch.size': '200',
      'key.converter': 'string',
      'value.converter': 'json',
      'value.converter.schemas.enable': 'false',
    };
    const expected = finalState(source);

    const first = await startWorker(config);
    await eventually(async () => (await documentCount(index)) >= 300, 30_000);
    await first.kill();
    const atKill = await indexState(index);
    const current = [...expected].filter(([key, value]) => equal(atKill.get(key), value));
    expect(current.length).toBeLessThan(expected.size); // killed mid-stream, not after the end

    const second = await startWorker(config);
    await eventually(async () => {
      const now = await indexState(index);
      return now.size === expected.size && [...expected].every(([key, value]) => equal(now.get(key), value));
    }, 60_000);
    expect(await second.stop()).toBe(0);

    const final = await indexState(index);
    expect(final.size).toBe(expected.size); // count
    expect(Object.fromEntries(final)).toEqual(Object.fromEntries(expected)); // content
    await kafkaAdmin.deleteTopic(topic).catch(() => undefined);
    kafkaAdmin.close();
    await admin.indices.delete({ index }, { ignore: [404] });
  }, 120_000);
});

const equal = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
