import { ConfigError, ConfigValidator, Type, splitFrameworkKeys, taskConfigsOf } from '@sluice/sdk';
import type { Connector } from '@sluice/sdk';
import { converterFor } from '../converters/converter-config.js';
import { errorPolicyOf } from '../errors/error-policy.js';
import { topicCreationOf } from '../source/topic-creation.js';
import { transformChain } from '../transforms/transform-chain.js';
import { resolveConfigProviders } from './config-providers.js';
import type { ConnectorCatalog } from './connector-catalog.js';
import type { RestartPolicy } from './restart-policy.js';
import { restartPolicyOf } from './restart-policy.js';

/** The framework keys every connector has, with Connect's names. */
const commonSchema = Type.Object({
  name: Type.String({ minLength: 1, pattern: '^[^/\\\\]+$', description: 'Unique connector name.' }),
  'connector.class': Type.String({ minLength: 1, description: 'Package name or alias of the connector.' }),
  'tasks.max': Type.Integer({ default: 1, minimum: 1, description: 'Most tasks to run.' }),
  topics: Type.Array(Type.String(), { default: [], description: 'Sink: topics to consume.' }),
  'topics.regex': Type.String({ default: '', description: 'Sink: regex of topics to consume.' }),
});
const common = new ConfigValidator(commonSchema);
const COMMON_KEYS = Object.keys(commonSchema.properties);

export interface ResolvedConnectorConfig {
  readonly name: string;
  readonly connector: Connector;
  readonly topics: string[];
  /** The whole config as submitted (config provider references unresolved). */
  readonly config: Readonly<Record<string, string>>;
  /** The same with ${env:...} and ${file:...} resolved: what the runners use; never stored or shown. */
  readonly effectiveConfig: Readonly<Record<string, string>>;
  /** The connector's own config, validated (defaults applied, types coerced). */
  readonly parsed: Readonly<Record<string, unknown>>;
  /** The connector's own config per task, as its taskConfigs split `parsed`. */
  readonly taskConfigs: Record<string, unknown>[];
  /** sluice.restart.* (validated once here, read on every task failure). */
  readonly restartPolicy: RestartPolicy;
}

/**
 * Validates a whole connector config, framework keys and the connector's own, before anything
 * runs. Throws a ConfigError naming the first bad key and why; nothing is changed then.
 */
export function resolveConnectorConfig(
  config: Readonly<Record<string, string>>,
  catalog: ConnectorCatalog,
): ResolvedConnectorConfig {
  const effectiveConfig = resolveConfigProviders(config);
  const { framework, connector: own } = splitFrameworkKeys(effectiveConfig);
  const basics = common.parse(
    Object.fromEntries(Object.entries(framework).filter(([key]) => COMMON_KEYS.includes(key))),
  );
  const entry = catalog.find(basics['connector.class']);
  if (!entry) {
    const known = catalog
      .entries()
      .map((e) => e.connector.name)
      .join(', ');
    throw new ConfigError(
      'connector.class',
      `no connector named ${basics['connector.class']} (known: ${known || 'none'})`,
    );
  }
  const topics = sinkTopics(entry.connector, basics.topics, basics['topics.regex']);
  errorPolicyOf(framework);
  converterFor('key', framework);
  converterFor('value', framework);
  transformChain(framework);
  topicCreationOf(framework);
  const restartPolicy = restartPolicyOf(framework);
  const parsed = entry.connector.validator.parse(own) as Record<string, unknown>;
  const taskConfigs = taskConfigsOf(entry.connector as never, parsed as never, basics['tasks.max']) as Record<
    string,
    unknown
  >[];
  return {
    name: basics.name,
    connector: entry.connector,
    topics,
    config,
    effectiveConfig,
    parsed,
    taskConfigs,
    restartPolicy,
  };
}

/** A sink names its input with exactly one of topics and topics.regex (as in Connect). */
function sinkTopics(connector: Connector, topics: string[], regex: string): string[] {
  if (connector.kind === 'source') return [];
  if (topics.length > 0 && regex !== '')
    throw new ConfigError('topics', 'topics and topics.regex are mutually exclusive');
  if (topics.length === 0 && regex === '')
    throw new ConfigError('topics', 'a sink connector needs topics or topics.regex');
  // librdkafka subscribes to a pattern when the name starts with ^
  return regex === '' ? topics : [regex.startsWith('^') ? regex : `^${regex}`];
}
