import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Message } from '@confluentinc/kafka-javascript';
import FileStreamSink from '@sluice/file-sink';
import FileStreamSource from '@sluice/file-source';
import {
  FileOffsetStore,
  KafkaAdmin,
  KafkaGroupConsumer,
  KafkaProducer,
  SinkTaskRunner,
  SourceTaskRunner,
  kafkaClientSettings,
} from '@sluice/runtime';
import { recordingLogger, requireService, eventually as until } from '@sluice/testkit';

// The runtime's source and sink paths on the real broker, with the reference file connectors:
// lines of a file -> Kafka -> lines of another file.
const kafka = () => kafkaClientSettings(requireService('kafka'), `pipeline-${randomUUID().slice(0, 8)}`);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipeline-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function sourceRunner(
  name: string,
  input: string,
  topic: string,
  offsets: FileOffsetStore,
  extra: Record<string, string> = {},
) {
  const config = {
    'connector.class': 'FileStreamSource',
    file: input,
    topic,
    'poll.interval.ms': '20',
    'value.converter': 'string',
    ...extra,
  };
  const taskConfig = FileStreamSource.validator.parse({ file: input, topic, 'poll.interval.ms': '20' });
  return new SourceTaskRunner({
    connectorName: name,
    taskId: 0,
    connector: FileStreamSource,
    config,
    taskConfig,
    kafka: kafka(),
    offsets,
    log: recordingLogger(),
  });
}

function sinkRunner(name: string, topic: string, output: string, extra: Record<string, string> = {}) {
  const config = {
    'connector.class': 'FileStreamSink',
    topics: topic,
    file: output,
    'key.converter': 'string',
    'value.converter': 'string',
    ...extra,
  };
  const taskConfig = FileStreamSink.validator.parse({ file: output });
  const log = recordingLogger();
  const runner = new SinkTaskRunner({
    connectorName: name,
    taskId: 0,
    connector: FileStreamSink,
    config,
    taskConfig,
    topics: [topic],
    kafka: kafka(),
    log,
    commitIntervalMs: 200,
  });
  return { runner, log };
}

const lines = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);

async function readTopic(topic: string, count: number): Promise<Message[]> {
  const consumer = new KafkaGroupConsumer(kafka(), { groupId: `reader-${randomUUID()}` });
  await consumer.connect();
  consumer.subscribe([topic]);
  const messages: Message[] = [];
  const deadline = Date.now() + 20_000;
  while (messages.length < count && Date.now() < deadline) messages.push(...(await consumer.consume(1000)));
  await new Promise((resolve) => setTimeout(resolve, 300)); // anything beyond count would show up now
  messages.push(...(await consumer.consume(1000)));
  await consumer.disconnect();
  return messages;
}

describe('file source -> Kafka -> file sink (real broker)', () => {
  it('moves every line once, and a restarted source resumes after its stored offset', async () => {
    const topic = `pipeline-${randomUUID()}`;
    const input = path.join(dir, `${topic}.in`);
    const output = path.join(dir, `${topic}.out`);
    const offsets = new FileOffsetStore(path.join(dir, `${topic}.offsets.json`));
    const written = Array.from({ length: 500 }, (_, i) => `line ${i}`);
    fs.writeFileSync(input, written.map((line) => `${line}\n`).join(''));
    // one partition: the output file must keep the input's order
    const admin = new KafkaAdmin(kafka());
    await admin.ensureTopic({ topic, partitions: 1, replicationFactor: 1 });
    admin.close();

    const { runner: sink } = sinkRunner(`sink-${topic}`, topic, output);
    await sink.start();
    const first = sourceRunner(`source-${topic}`, input, topic, offsets);
    await first.start();
    await until(() => first.produced === 500);
    await first.stop();

    const more = Array.from({ length: 100 }, (_, i) => `more ${i}`);
    fs.appendFileSync(input, more.map((line) => `${line}\n`).join(''));
    const second = sourceRunner(`source-${topic}`, input, topic, offsets);
    await second.start();
    await until(() => second.produced === 100);
    await second.stop();

    await until(() => lines(output).length === 600);
    await sink.stop();
    expect(lines(output)).toEqual([...written, ...more]);
    expect(first.status.state).toBe('UNASSIGNED');
    expect(sink.status.state).toBe('UNASSIGNED');
    const inKafka = await readTopic(topic, 600);
    expect(inKafka).toHaveLength(600); // the restart produced nothing twice
  });
});

describe('transforms in the source path (real broker)', () => {
  it('routes and stamps records before they are produced', async () => {
    const topic = `routed-${randomUUID()}`;
    const input = path.join(dir, `${topic}.in`);
    fs.writeFileSync(input, 'a\nb\nc\n');
    const runner = sourceRunner(`source-${topic}`, input, topic, new FileOffsetStore(path.join(dir, `${topic}.json`)), {
      transforms: 'route,stamp',
      'transforms.route.type': 'org.apache.kafka.connect.transforms.RegexRouter',
      'transforms.route.regex': '(.*)',
      'transforms.route.replacement': '$1.v2',
      'transforms.stamp.type': 'org.apache.kafka.connect.transforms.InsertHeader',
      'transforms.stamp.header': 'pipeline',
      'transforms.stamp.value.literal': 'sluice',
    });
    await runner.start();
    await until(() => runner.produced === 3);
    await runner.stop();
    const messages = await readTopic(`${topic}.v2`, 3);
    expect(messages.map((m) => m.value?.toString())).toEqual(['a', 'b', 'c']);
    expect(messages.map((m) => Object.assign({}, ...(m.headers ?? [])).pipeline?.toString())).toEqual([
      'sluice',
      'sluice',
      'sluice',
    ]);
  });
});

describe('topic creation for sources (real broker)', () => {
  it('creates a source topic with topic.creation.default.* before writing to it', async () => {
    const topic = `created-${randomUUID()}`;
    const input = path.join(dir, `${topic}.in`);
    fs.writeFileSync(input, 'x\ny\n');
    const runner = sourceRunner(`source-${topic}`, input, topic, new FileOffsetStore(path.join(dir, `${topic}.json`)), {
      'topic.creation.default.partitions': '3',
      'topic.creation.default.replication.factor': '1',
      'topic.creation.default.retention.ms': '3600000', // (compact would reject the keyless lines)
    });
    await runner.start();
    await until(() => runner.produced === 2);
    await runner.stop();
    const admin = new KafkaAdmin(kafka());
    await expect(admin.partitionCount(topic)).resolves.toBe(3); // the broker's auto-creation would make 1
    admin.close();
  });
});

describe('errant records in the sink path (real broker)', () => {
  async function produceRaw(topic: string, values: string[]): Promise<void> {
    const producer = new KafkaProducer(kafka());
    await producer.connect();
    await producer.send(values.map((value, i) => ({ topic, key: Buffer.from(`k${i}`), value: Buffer.from(value) })));
    await producer.disconnect();
  }

  it('fails the task with a clear trace on a poison record when errors.tolerance=none', async () => {
    const topic = `poison-${randomUUID()}`;
    await produceRaw(topic, ['{"n":1}', '{not json', '{"n":3}']);
    const { runner } = sinkRunner(`sink-${topic}`, topic, path.join(dir, `${topic}.out`), {
      'value.converter': 'json',
      'value.converter.schemas.enable': 'false',
    });
    await runner.start();
    await until(() => runner.status.state === 'FAILED');
    expect(runner.status.trace).toMatch(
      /Tolerance exceeded in error handler: VALUE_CONVERTER failed for poison-.*-0@1/,
    );
    expect(runner.status.trace).toMatch(/Caused by: ConversionError: Converting byte\[\] to Kafka Connect data failed/);
    await runner.stop();
  });

  it('sends the poison record to the dead-letter queue with context headers and lets the rest flow when errors.tolerance=all', async () => {
    const topic = `poison-${randomUUID()}`;
    const dlq = `${topic}-dlq`;
    const output = path.join(dir, `${topic}.out`);
    await produceRaw(topic, ['{"n":1}', '{not json', '{"n":3}']);
    const { runner, log } = sinkRunner(`sink-${topic}`, topic, output, {
      'value.converter': 'json',
      'value.converter.schemas.enable': 'false',
      'errors.tolerance': 'all',
      'errors.log.enable': 'true',
      'errors.deadletterqueue.topic.name': dlq,
      'errors.deadletterqueue.context.headers.enable': 'true',
    });
    await runner.start();
    await until(() => lines(output).length === 2);
    await runner.stop();
    expect(lines(output)).toEqual(['{"n":1}', '{"n":3}']);
    expect(runner.status.state).toBe('UNASSIGNED');
    expect(log.lines.some((line) => line.level === 'error' && line.fields?.stage === 'VALUE_CONVERTER')).toBe(true);

    const [dead] = await readTopic(dlq, 1);
    expect(dead?.value?.toString()).toBe('{not json');
    expect(dead?.key?.toString()).toBe('k1');
    const headers = Object.assign({}, ...(dead?.headers ?? [])) as Record<string, Buffer>;
    expect(headers['__connect.errors.topic']?.toString()).toBe(topic);
    expect(headers['__connect.errors.offset']?.toString()).toBe('1');
    expect(headers['__connect.errors.stage']?.toString()).toBe('VALUE_CONVERTER');
    expect(headers['__connect.errors.exception.class.name']?.toString()).toBe('ConversionError');
    expect(headers['__connect.errors.exception.message']?.toString()).toMatch(/serialization error/);
  });
});
