import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { KafkaAdmin, KafkaProducer, kafkaClientSettings } from '@sluice/runtime';
import { requireService } from '@sluice/testkit';
import { admin, opensearchUrl, until } from './helpers';

// At-least-once plus idempotence across a kill -9: a real sluice-worker process running the sink
// is killed while bulks are in flight, then restarted; the index must end equal to the source
// (every key's last change; deleted keys absent), with no document missing or stale.
// Runs the built worker (npx tsc -b first).
const repoRoot = path.resolve(__dirname, '..', '..', '..');
const bin = path.join(repoRoot, 'packages', 'worker', 'bin', 'sluice-worker.js');
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

async function indexState(index: string): Promise<Map<string, unknown>> {
  await admin.indices.refresh({ index }, { ignore: [404] });
  const found = await admin.search({ index, body: { size: 10_000, query: { match_all: {} } } }, { ignore: [404] });
  return new Map((found.body.hits?.hits ?? []).map((hit) => [String(hit._id), hit._source]));
}

async function documentCount(index: string): Promise<number> {
  await admin.indices.refresh({ index }, { ignore: [404] });
  return Number((await admin.count({ index }, { ignore: [404] })).body.count ?? 0);
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });

async function startWorker(connectorFile: string, port: number): Promise<ChildProcess> {
  const workerFile = path.join(stateDir, 'worker.json');
  const worker = { bootstrapServers: requireService('kafka'), stateDir, rest: { port }, offsetFlushIntervalMs: 1000 };
  fs.writeFileSync(workerFile, JSON.stringify({ ...worker, logLevel: 'warn' }));
  const child = spawn(process.execPath, [bin, '--config', workerFile, connectorFile], { stdio: 'ignore' });
  await until(async () => {
    const reply = await fetch(`http://127.0.0.1:${port}/connectors/crash-sink/status`).catch(() => undefined);
    const status = (await reply?.json()) as { tasks?: { state: string }[] } | undefined;
    return status?.tasks?.[0]?.state === 'RUNNING';
  }, 30_000);
  return child;
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
    const connectorFile = path.join(stateDir, 'crash-sink.json');
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
    fs.writeFileSync(connectorFile, JSON.stringify({ name: 'crash-sink', config }));
    const expected = finalState(source);

    const port = await freePort();
    const first = await startWorker(connectorFile, port);
    await until(async () => (await documentCount(index)) >= 300, 30_000);
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    const atKill = await indexState(index);
    const current = [...expected].filter(([key, value]) => equal(atKill.get(key), value));
    expect(current.length).toBeLessThan(expected.size); // killed mid-stream, not after the end

    const second = await startWorker(connectorFile, port);
    await until(async () => {
      const now = await indexState(index);
      return now.size === expected.size && [...expected].every(([key, value]) => equal(now.get(key), value));
    }, 60_000);
    second.kill('SIGTERM');
    expect(await new Promise((resolve) => second.once('exit', resolve))).toBe(0);

    const final = await indexState(index);
    expect(final.size).toBe(expected.size); // count
    expect(Object.fromEntries(final)).toEqual(Object.fromEntries(expected)); // content
    await kafkaAdmin.deleteTopic(topic).catch(() => undefined);
    kafkaAdmin.close();
    await admin.indices.delete({ index }, { ignore: [404] });
  }, 120_000);
});

const equal = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
