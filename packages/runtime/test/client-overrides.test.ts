import { clientOverridesOf, overrideDefinition, overridePolicyOf } from '../src/config/client-overrides';
import { librdkafkaSettings, parseTables } from '../src/kafka/librdkafka-settings';

const source = { kind: 'source', deadLetterQueue: false, topicCreation: false } as const;
const sink = { kind: 'sink', deadLetterQueue: false, topicCreation: false } as const;
const fields = (list: readonly { field: string }[]) => list.map((item) => item.field);

describe('client overrides (producer/consumer/admin.override.*)', () => {
  it('lays each client its own settings, as strings, and reads max.poll.records as the batch size', () => {
    const { overrides, problems, warnings } = clientOverridesOf(
      {
        'producer.override.linger.ms': '7',
        'consumer.override.fetch.min.bytes': 1024,
        'consumer.override.max.poll.records': '50',
        'admin.override.request.timeout.ms': '20000',
        'value.converter': 'string',
      },
      'All',
    );
    expect(problems).toEqual([]);
    expect(warnings).toEqual([]);
    expect(overrides).toEqual({
      producer: { 'linger.ms': '7' },
      consumer: { 'fetch.min.bytes': '1024' },
      admin: { 'request.timeout.ms': '20000' },
      maxPollRecords: 50,
    });
  });

  it("names the key and librdkafka's reason for a setting it does not know or a value it refuses", () => {
    const { problems } = clientOverridesOf(
      {
        'producer.override.linger.msx': '1',
        'producer.override.compression.type': 'brotli',
        'consumer.override.max.poll.records': '0',
      },
      'All',
    );
    expect(problems).toEqual([
      {
        field: 'producer.override.linger.msx',
        reason: expect.stringMatching(/No such configuration property: "linger.msx"/),
      },
      { field: 'producer.override.compression.type', reason: expect.stringMatching(/Invalid value .*compression/) },
      { field: 'consumer.override.max.poll.records', reason: 'must be a whole number of at least 1' },
    ]);
  });

  it("refuses the runtime's own settings whatever the policy", () => {
    const { problems } = clientOverridesOf(
      {
        'consumer.override.enable.auto.commit': 'true',
        'consumer.override.group.id': 'other',
        'producer.override.bootstrap.servers': '127.0.0.1:1',
      },
      'All',
    );
    expect(fields(problems)).toEqual([
      'consumer.override.enable.auto.commit',
      'consumer.override.group.id',
      'producer.override.bootstrap.servers',
    ]);
    expect(problems[0]?.reason).toMatch(/^is set by the runtime and cannot be overridden: /);
  });

  it("applies Connect's None and Principal policies with Connect's words", () => {
    const config = { 'producer.override.linger.ms': '5', 'producer.override.security.protocol': 'PLAINTEXT' };
    expect(clientOverridesOf(config, 'None').problems).toEqual([
      {
        field: 'producer.override.linger.ms',
        reason: "The 'None' policy does not allow 'linger.ms' to be overridden in the connector configuration.",
      },
      {
        field: 'producer.override.security.protocol',
        reason: "The 'None' policy does not allow 'security.protocol' to be overridden in the connector configuration.",
      },
    ]);
    const principal = clientOverridesOf(config, 'Principal');
    expect(fields(principal.problems)).toEqual(['producer.override.linger.ms']);
    expect(principal.overrides.producer).toEqual({ 'security.protocol': 'PLAINTEXT' });
  });

  it('warns of acks below all and turns idempotence off with it, as the Java client does', () => {
    const { overrides, problems, warnings } = clientOverridesOf({ 'producer.override.acks': '1' }, 'All', source);
    expect(problems).toEqual([]);
    expect(overrides.producer).toEqual({ acks: '1', 'enable.idempotence': 'false' });
    expect(warnings).toEqual([
      { field: 'producer.override.acks', reason: expect.stringMatching(/^weakens at-least-once delivery: .*leader/) },
    ]);
    const conflict = clientOverridesOf(
      { 'producer.override.acks': '0', 'producer.override.enable.idempotence': 'true' },
      'All',
    );
    expect(conflict.problems).toEqual([
      {
        field: 'producer.override.enable.idempotence',
        reason: 'requires acks=all, but producer.override.acks is 0',
      },
    ]);
    const off = clientOverridesOf({ 'producer.override.enable.idempotence': 'false' }, 'All', source);
    expect(off.warnings).toEqual([
      { field: 'producer.override.enable.idempotence', reason: expect.stringMatching(/twice or out of order/) },
    ]);
  });

  it('warns of (and does not check) overrides of a client the connector does not use, as Connect ignores them', () => {
    const config = {
      'consumer.override.nonsense': 'x',
      'admin.override.request.timeout.ms': '1',
      'producer.override.linger.ms': '1',
    };
    const fromSource = clientOverridesOf(config, 'None', source);
    expect(fields(fromSource.warnings)).toEqual(['consumer.override.nonsense', 'admin.override.request.timeout.ms']);
    expect(fields(fromSource.problems)).toEqual(['producer.override.linger.ms']);
    const fromSink = clientOverridesOf(config, 'All', sink);
    expect(fields(fromSink.warnings)).toEqual(['admin.override.request.timeout.ms', 'producer.override.linger.ms']);
    expect(fields(fromSink.problems)).toEqual(['consumer.override.nonsense']);
    const withQueue = clientOverridesOf(config, 'All', { ...sink, deadLetterQueue: true });
    expect(withQueue.overrides.producer).toEqual({ 'linger.ms': '1' });
  });

  it('warns of a setting librdkafka documents for the other kind of client only', () => {
    const { warnings } = clientOverridesOf({ 'producer.override.fetch.min.bytes': '1' }, 'All', source);
    expect(warnings).toEqual([
      {
        field: 'producer.override.fetch.min.bytes',
        reason: 'is a consumer setting (librdkafka): the producer ignores it',
      },
    ]);
  });

  it("reads policy names as Connect's aliases and class names", () => {
    expect(overridePolicyOf('Principal')).toBe('Principal');
    expect(overridePolicyOf('org.apache.kafka.connect.connector.policy.NoneConnectorClientConfigOverridePolicy')).toBe(
      'None',
    );
    expect(overridePolicyOf('all')).toBeUndefined();
  });
});

describe("librdkafka's settings, from the CONFIGURATION.md the client ships", () => {
  it('parses the tables into types, defaults, importance and text', () => {
    const table = parseTables(
      [
        'Property | C/P | Range | Default | Importance | Description',
        '---------|-----|-------|--------:|------------| ---',
        'linger.ms | P | 0 .. 900000 | 5 | high | Delay in milliseconds. <br>*Type: float*',
        'group.id | C | | | high | Client group id string. <br>*Type: string*',
      ].join('\n'),
    );
    expect([...table.values()]).toEqual([
      {
        name: 'linger.ms',
        clients: 'P',
        type: 'DOUBLE',
        defaultValue: '5',
        importance: 'HIGH',
        documentation: 'Delay in milliseconds.',
      },
      {
        name: 'group.id',
        clients: 'C',
        type: 'STRING',
        defaultValue: null,
        importance: 'HIGH',
        documentation: 'Client group id string.',
      },
    ]);
  });

  it('finds the shipped document and defines override keys from it', () => {
    expect(librdkafkaSettings().size).toBeGreaterThan(100);
    expect(overrideDefinition('consumer.override.fetch.min.bytes')).toMatchObject({
      name: 'consumer.override.fetch.min.bytes',
      type: 'INT',
      displayName: 'fetch.min.bytes',
    });
    expect(overrideDefinition('consumer.override.max.poll.records')).toMatchObject({ defaultValue: '2000' });
    expect(overrideDefinition('value.converter')).toBeUndefined();
  });
});
