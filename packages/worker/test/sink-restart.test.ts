import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KafkaAdmin, KafkaProducer, kafkaClientSettings } from '@sluice/runtime';
import { eventually, requireService } from '@sluice/testkit';
import { startWorkerProcess } from '@sluice/worker';

// Honest status after a crash: a sluice-worker killed with SIGKILL and started again consumes
// again at once (its sink tasks are static group members and take the dead process's place),
// not after the dead member's session timeout. The bound is generous for a loaded machine;
// bench/sink-restart.mjs reports the real figure (about 1 s). Runs the built worker (npx tsc -b).
const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sink-restart-'));
afterAll(() => fs.rmSync(stateDir, { recursive: true, force: true }));

describe('a sink in a sluice-worker killed with SIGKILL', () => {
  it('flows again within 20 s of the restart (not after its 45 s session), every record once', async () => {
    const bootstrap = requireService('kafka');
    const settings = kafkaClientSettings(bootstrap, 'sink-restart-test');
    const topic = `sink-restart-${randomUUID()}`;
    const output = path.join(stateDir, 'out.txt');
    const admin = new KafkaAdmin(settings);
    await admin.ensureTopic({ topic, partitions: 3, replicationFactor: 1 });
    admin.close();
    const producer = new KafkaProducer(settings);
    await producer.connect();
    let next = 0;
    const produce = (count: number) =>
      producer.send(
        Array.from({ length: count }, () => {
          const seq = next++;
          return { topic, key: Buffer.from(`k${seq % 7}`), value: Buffer.from(String(seq)) };
        }),
      );
    const lines = () => (fs.existsSync(output) ? fs.readFileSync(output, 'utf8').split('\n').filter(Boolean) : []);
    const start = () =>
      startWorkerProcess({
        stateDir,
        bootstrapServers: bootstrap,
        settings: { offsetFlushIntervalMs: 200 },
        connectors: {
          sink: {
            'connector.class': 'FileStreamSink',
            topics: topic,
            file: output,
            'key.converter': 'string',
            'value.converter': 'string',
            // a dynamic member would wait out this session (45 s) before the partitions move
            'consumer.override.session.timeout.ms': '45000',
          },
        },
        timeoutMs: 30_000,
      });

    const first = await start();
    await produce(100);
    await eventually(async () => lines().length === 100, 20_000);
    await first.kill();
    await produce(100); // while nobody consumes

    const launchedAt = Date.now();
    const second = await start();
    await eventually(async () => lines().length === 200, 30_000);
    const flowingAfter = Date.now() - launchedAt;
    const metrics = await (await fetch(`${second.url}/metrics`)).text();
    expect(await second.stop()).toBe(0);
    await producer.disconnect();

    expect(flowingAfter).toBeLessThan(20_000); // a dynamic member waited out the 45 s session first
    expect(new Set(lines()).size).toBe(200);
    expect(lines()).toHaveLength(200);
    expect(metrics).toMatch(/sluice_sink_assigned_partitions\{[^}]*connector="sink"[^}]*\} 3/);
    // plaintext, uncompressed: the direct fetch path reads every partition
    expect(metrics).toMatch(/sluice_sink_library_fetched_partitions\{[^}]*connector="sink"[^}]*\} 0/);
  }, 90_000);
});
