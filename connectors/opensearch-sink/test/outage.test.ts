import { randomUUID } from 'node:crypto';
import OpenSearchSink from '@sluice/opensearch-sink';
import { KafkaAdmin, KafkaProducer, SinkTaskRunner, kafkaClientSettings } from '@sluice/runtime';
import { eventually, recordingLogger, requireService } from '@sluice/testkit';
import { startFaultProxy } from './fault-proxy';
import { admin, opensearchUrl } from './helpers';

// OpenSearch unreachable for a while under the runtime's sink runner, as a worker runs the task:
// the task stays RUNNING, says why it is slow, commits nothing meanwhile, and catches up by
// itself once OpenSearch is back, with every record indexed.
const OUTAGE_MS = 8000;
afterAll(() => admin.close());

describe('OpenSearch unreachable under the sink runner (real Kafka and OpenSearch, fault proxy)', () => {
  it('keeps the task RUNNING through the outage and recovers by itself, nothing lost', async () => {
    const topic = `os-outage-${randomUUID()}`;
    const settings = kafkaClientSettings(requireService('kafka'), 'os-outage-test');
    const kafkaAdmin = new KafkaAdmin(settings);
    await kafkaAdmin.ensureTopic({ topic, partitions: 2, replicationFactor: 1 });
    const producer = new KafkaProducer(settings);
    await producer.connect();
    const produce = (from: number, to: number) =>
      producer.send(
        Array.from({ length: to - from }, (_, j) => ({
          topic,
          key: Buffer.from(`p${from + j}`),
          value: Buffer.from(JSON.stringify({ n: from + j })),
        })),
      );
    const proxy = await startFaultProxy(opensearchUrl);
    const log = recordingLogger();
    const runner = new SinkTaskRunner({
      connectorName: topic,
      taskId: 0,
      connector: OpenSearchSink,
      config: { 'key.converter': 'string', 'value.converter': 'json', 'value.converter.schemas.enable': 'false' },
      taskConfig: OpenSearchSink.validator.parse({
        'connection.url': proxy.url,
        'index.name.template': topic,
        'batch.size': '100',
        'max.buffered.records': '500',
        'max.retries': '2',
        'retry.backoff.ms': '100',
      }),
      topics: [topic],
      kafka: kafkaClientSettings(requireService('kafka'), topic),
      log,
      commitIntervalMs: 500,
    });
    const indexed = async () => {
      await admin.indices.refresh({ index: topic }, { ignore: [404] });
      return Number((await admin.count({ index: topic }, { ignore: [404] })).body.count ?? 0);
    };
    await runner.start();
    await produce(0, 1000);
    await eventually(async () => (await indexed()) === 1000, 30_000);

    proxy.down = true;
    await produce(1000, 3000);
    const outageEnds = Date.now() + OUTAGE_MS;
    let mostWaiting = 0;
    while (Date.now() < outageEnds) {
      expect(runner.status.state).toBe('RUNNING');
      const gauges = runner.metricsSnapshot().gauges ?? {};
      mostWaiting = Math.max(
        mostWaiting,
        (gauges['opensearch.documents.refused'] ?? 0) + (gauges['opensearch.documents.pending'] ?? 0),
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    // the task's gauges (GET /metrics) show the documents held back by the outage
    expect(mostWaiting).toBeGreaterThan(0);
    expect(await indexed()).toBe(1000);
    // it says why it is slow
    const warnings = new Set(log.lines.filter((line) => line.level === 'warn').map((line) => line.message));
    expect([...warnings]).toEqual(
      expect.arrayContaining(['OpenSearch is pushing back; retrying the refused documents']),
    );
    proxy.down = false;

    await eventually(async () => (await indexed()) === 3000, 30_000);
    // the count may see the last bulk before the sink has read its answer
    await eventually(async () => runner.metricsSnapshot().gauges?.['opensearch.documents.indexed'] === 3000, 10_000);
    expect(runner.status.state).toBe('RUNNING');
    expect(runner.metricsSnapshot().gauges).toMatchObject({
      'opensearch.documents.refused': 0,
      'opensearch.documents.indexed': 3000,
    });
    await runner.stop();
    expect(runner.status.state).not.toBe('FAILED');
    const found = await admin.search({ index: topic, body: { size: 3000, query: { match_all: {} } } });
    const content = new Set(found.body.hits.hits.map((hit) => `${String(hit._id)}=${JSON.stringify(hit._source)}`));
    expect(content.size).toBe(3000);
    for (let i = 0; i < 3000; i += 97) expect(content.has(`p${i}={"n":${i}}`)).toBe(true);

    await producer.disconnect();
    await proxy.close();
    await kafkaAdmin.deleteTopic(topic).catch(() => undefined);
    kafkaAdmin.close();
    await admin.indices.delete({ index: topic }, { ignore: [404] });
  }, 60_000);
});
