import type { ConfigProblem } from '@sluice/sdk';
import type { KafkaClientSettings } from '../kafka/client-config.js';
import { kafkaLibrary } from '../kafka/library.js';
import { librdkafkaSettings } from '../kafka/librdkafka-settings.js';

/**
 * Per-connector Kafka client settings, Connect's KIP-458 keys: `producer.override.*` (a source's
 * producer, a sink's dead letter queue producer), `consumer.override.*` (a sink's consumer) and
 * `admin.override.*` (the admin client that creates topics), each over the worker's own client
 * settings. The settings are librdkafka's (most Java client names are librdkafka aliases too);
 * `consumer.override.max.poll.records` is Connect's most records per put.
 */
export interface ClientOverrides {
  readonly producer: KafkaClientSettings;
  readonly consumer: KafkaClientSettings;
  readonly admin: KafkaClientSettings;
  readonly maxPollRecords?: number;
}

export const NO_OVERRIDES: ClientOverrides = { producer: {}, consumer: {}, admin: {} };

/** Connect's `connector.client.config.override.policy`: which overrides a connector may set. */
export type OverridePolicy = 'All' | 'None' | 'Principal';

const POLICY_PACKAGE = 'org.apache.kafka.connect.connector.policy.';
const POLICIES: readonly OverridePolicy[] = ['All', 'None', 'Principal'];

/** The policy an alias (`All`) or Connect class name (`...AllConnectorClientConfigOverridePolicy`) names. */
export function overridePolicyOf(name: string): OverridePolicy | undefined {
  const short = name.startsWith(POLICY_PACKAGE)
    ? name.slice(POLICY_PACKAGE.length).replace(/ConnectorClientConfigOverridePolicy$/, '')
    : name;
  return POLICIES.find((policy) => policy === short);
}

export const OVERRIDE_POLICY_NAMES: readonly string[] = POLICIES.flatMap((policy) => [
  policy,
  `${POLICY_PACKAGE}${policy}ConnectorClientConfigOverridePolicy`,
]);

/** What the Principal policy allows, as Connect's: the client's identity and nothing else. */
const PRINCIPAL_KEYS = new Set(['sasl.jaas.config', 'sasl.mechanism', 'security.protocol']);

export type OverriddenClient = 'producer' | 'consumer' | 'admin';
type Client = OverriddenClient;
const CLIENTS: readonly Client[] = ['producer', 'consumer', 'admin'];

/** An override key split: `producer.override.linger.ms` is the producer's `linger.ms`. */
export function overrideKeyOf(key: string): { readonly client: OverriddenClient; readonly name: string } | undefined {
  const client = CLIENTS.find((candidate) => key.startsWith(`${candidate}.override.`));
  return client && { client, name: key.slice(`${client}.override.`.length) };
}

/** Settings the runtime's guarantees rest on: refused whatever the policy, with the reason. */
const RUNTIME_OWNED: Readonly<Record<string, string>> = {
  'bootstrap.servers': "the connector's offsets and status are kept on the worker's cluster",
  'group.id': "a sink's offsets are its group's (connect-<name>), which the offsets API reads and writes",
  'group.instance.id': "a sink task's static membership is derived from the worker's identity",
  'partition.assignment.strategy': "the sink's rebalance handling is incremental (cooperative-sticky)",
  'enable.auto.commit': 'the runtime commits only what the task has flushed',
  'enable.auto.offset.store': 'the runtime commits only what the task has flushed',
  'transactional.id': 'the runtime owns transactions',
  dr_cb: 'the runtime reads delivery reports',
  dr_msg_cb: 'the runtime reads delivery reports',
  'delivery.report.only.error': 'the runtime reads delivery reports',
  rebalance_cb: 'the runtime handles rebalances',
  offset_commit_cb: 'the runtime handles commits',
};

export interface OverridesCheck {
  readonly overrides: ClientOverrides;
  readonly problems: ConfigProblem[];
  /** Settings that weaken the delivery guarantee, or that no client of this connector reads. */
  readonly warnings: ConfigProblem[];
}

/** Which clients a connector of this kind uses, given its config (Connect's rules). */
export interface ClientUse {
  readonly kind: 'source' | 'sink';
  /** A sink with a dead letter queue topic: it has a producer. */
  readonly deadLetterQueue: boolean;
  /** A source with topic.creation.default.*: it has an admin client. */
  readonly topicCreation: boolean;
}

/**
 * The overrides of a connector config, checked: each key against the policy, the runtime's own
 * settings and librdkafka (a client is built, never connected, so a bad name or value is found
 * here, not when the task starts). Every problem names its full key.
 */
export function clientOverridesOf(
  framework: Readonly<Record<string, unknown>>,
  policy: OverridePolicy,
  use?: ClientUse,
): OverridesCheck {
  const problems: ConfigProblem[] = [];
  const warnings: ConfigProblem[] = [];
  const settings: Record<Client, KafkaClientSettings> = { producer: {}, consumer: {}, admin: {} };
  for (const [key, raw] of Object.entries(framework)) {
    const override = overrideKeyOf(key);
    if (!override) continue;
    const { client, name } = override;
    // as Connect: the overrides of a client the connector does not use are not checked
    if (use && !clientUsed(use, client)) {
      warnings.push({ field: key, reason: unusedReason(use, client) });
      continue;
    }
    const reason = refusal(client, name, String(raw), policy);
    if (reason !== undefined) problems.push({ field: key, reason });
    else settings[client][name] = String(raw);
    const side = sideWarning(client, name);
    if (reason === undefined && side !== undefined) warnings.push({ field: key, reason: side });
  }
  const maxPollRecords = pollRecords(settings.consumer, problems);
  problems.push(...idempotenceConflict(settings.producer));
  warnings.push(...weakDelivery(settings.producer));
  const overrides = { ...settings, ...(maxPollRecords === undefined ? {} : { maxPollRecords }) };
  return { overrides, problems, warnings };
}

function refusal(client: Client, name: string, value: string, policy: OverridePolicy): string | undefined {
  if (policy === 'None' || (policy === 'Principal' && !PRINCIPAL_KEYS.has(name))) {
    return `The '${policy}' policy does not allow '${name}' to be overridden in the connector configuration.`;
  }
  const owned = RUNTIME_OWNED[name];
  if (owned !== undefined) return `is set by the runtime and cannot be overridden: ${owned}`;
  if (client === 'consumer' && name === 'max.poll.records') return undefined; // the runtime's, checked below
  return librdkafkaRefusal(client, name, value);
}

/** librdkafka's own complaint about one setting, found by building (not connecting) a client. */
function librdkafkaRefusal(client: Client, name: string, value: string): string | undefined {
  const library = kafkaLibrary();
  try {
    if (client === 'consumer') new library.KafkaConsumer({ 'group.id': 'validation', [name]: value }, {});
    else new library.Producer({ [name]: value });
    return undefined;
  } catch (error) {
    const message = (error as Error).message;
    return /No such configuration property/.test(message)
      ? `${message} (the settings are librdkafka's; most Java client names are aliases of them)`
      : message;
  }
}

function pollRecords(consumer: KafkaClientSettings, problems: ConfigProblem[]): number | undefined {
  const raw = consumer['max.poll.records'];
  if (raw === undefined) return undefined;
  delete consumer['max.poll.records'];
  const value = Number(raw);
  if (Number.isInteger(value) && value >= 1) return value;
  problems.push({ field: 'consumer.override.max.poll.records', reason: 'must be a whole number of at least 1' });
  return undefined;
}

const ACKS_KEYS = ['acks', 'request.required.acks'];
const weakAcks = (producer: KafkaClientSettings) =>
  ACKS_KEYS.map((key) => ({ key, value: producer[key] })).find(({ value }) => value === '0' || value === '1');
const idempotenceOff = (value: unknown) => value !== undefined && /^(false|0)$/i.test(String(value));

/**
 * The runtime's producer is idempotent with acks=all. As the Java client does, fewer acks turn
 * idempotence off unless it was asked for, in which case the pair is refused.
 */
function idempotenceConflict(producer: KafkaClientSettings): ConfigProblem[] {
  const acks = weakAcks(producer);
  const idempotence = producer['enable.idempotence'];
  if (!acks) return [];
  if (idempotence !== undefined && !idempotenceOff(idempotence)) {
    return [
      {
        field: 'producer.override.enable.idempotence',
        reason: `requires acks=all, but producer.override.${acks.key} is ${String(acks.value)}`,
      },
    ];
  }
  producer['enable.idempotence'] = 'false';
  return [];
}

function weakDelivery(producer: KafkaClientSettings): ConfigProblem[] {
  const acks = weakAcks(producer);
  const warnings: ConfigProblem[] = [];
  if (acks) {
    const what =
      acks.value === '0'
        ? 'a record counts as delivered once sent, unacknowledged: a failed write is never seen'
        : 'a record counts as delivered once the partition leader has it: it is lost if the leader fails before a replica copies it';
    warnings.push({
      field: `producer.override.${acks.key}`,
      reason: `weakens at-least-once delivery: ${what}, while the source offset past it is stored (idempotence is off with it)`,
    });
  } else if (idempotenceOff(producer['enable.idempotence'])) {
    warnings.push({
      field: 'producer.override.enable.idempotence',
      reason: 'weakens delivery: a retried send may write a record twice or out of order',
    });
  }
  return warnings;
}

/**
 * Whether a connector uses the client: a source its producer and, with topic creation, an admin
 * client; a sink its consumer and, with a dead letter queue, a producer. (Sluice's sink has no
 * admin client: its dead letter queue topic is created by the broker on first write.)
 */
export function clientUsed(use: ClientUse, client: OverriddenClient): boolean {
  if (use.kind === 'source') return client === 'producer' || (client === 'admin' && use.topicCreation);
  return client === 'consumer' || (client === 'producer' && use.deadLetterQueue);
}

/** Which clients a connector config uses (Connect's rules, with Sluice's admin use). */
export function clientUseOf(kind: 'source' | 'sink', config: Readonly<Record<string, unknown>>): ClientUse {
  const set = (key: string) => String(config[key] ?? '') !== '';
  return {
    kind,
    deadLetterQueue: set('errors.deadletterqueue.topic.name'),
    topicCreation: set('topic.creation.default.replication.factor') || set('topic.creation.default.partitions'),
  };
}

function unusedReason(use: ClientUse, client: Client): string {
  if (use.kind === 'source' && client === 'admin')
    return 'has no effect: a source connector has an admin client only to create topics (topic.creation.default.*)';
  if (use.kind === 'source') return 'has no effect: a source connector has no consumer';
  if (client === 'admin')
    return 'has no effect: a Sluice sink has no admin client (the broker creates its dead letter queue topic)';
  return 'has no effect: a sink connector has a producer only with a dead letter queue (errors.deadletterqueue.topic.name)';
}

/** A setting librdkafka documents for the other kind of client only: it is ignored. */
function sideWarning(client: Client, name: string): string | undefined {
  const setting = librdkafkaSettings().get(name);
  if (!setting || setting.clients === '*') return undefined;
  if (client === 'consumer' && setting.clients === 'P')
    return 'is a producer setting (librdkafka): the consumer ignores it';
  if (client !== 'consumer' && setting.clients === 'C')
    return `is a consumer setting (librdkafka): the ${client} ignores it`;
  return undefined;
}

/** What validation shows of an override key (Connect: the Java client's ConfigKey, prefixed). */
export interface OverrideDefinition {
  readonly name: string;
  readonly type: string;
  readonly defaultValue: string | null;
  readonly importance: string;
  readonly documentation: string;
  /** The client's own name of the setting, as Connect's display_name. */
  readonly displayName: string;
}

/** The definition of an override key: librdkafka's documentation of it, or the runtime's own. */
export function overrideDefinition(key: string): OverrideDefinition | undefined {
  const override = overrideKeyOf(key);
  if (!override) return undefined;
  const { client, name } = override;
  if (client === 'consumer' && name === 'max.poll.records') {
    const documentation =
      "Most records handed to one put() (Connect's max.poll.records; the runtime's, not librdkafka's).";
    return { name: key, type: 'INT', defaultValue: '2000', importance: 'MEDIUM', documentation, displayName: name };
  }
  const setting = librdkafkaSettings().get(name);
  return (
    setting && {
      name: key,
      type: setting.type,
      defaultValue: setting.defaultValue,
      importance: setting.importance,
      documentation: setting.documentation,
      displayName: name,
    }
  );
}
