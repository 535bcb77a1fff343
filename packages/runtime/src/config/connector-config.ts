import { ConfigError, ConfigValidator, Type, isConfigError, splitFrameworkKeys, taskConfigsOf } from '@sluice/sdk';
import type { ConfigProblem, Connector, FieldResult } from '@sluice/sdk';
import type { RestartPolicy } from '../herder/restart-policy.js';
import { resolveConfigProviders } from './config-providers.js';
import type { CatalogEntry, ConnectorCatalog } from './connector-catalog.js';
import { connectorNameProblem } from './connector-name.js';
import type { OverridePolicy } from './client-overrides.js';
import { clientUseOf } from './client-overrides.js';
import type { FrameworkConfig } from './framework-config.js';
import { frameworkConfigOf } from './framework-config.js';

/** The framework keys every connector has, with Connect's names. */
const commonSchema = Type.Object({
  name: Type.String({ description: 'Unique connector name (connectorNameProblem checks it).' }),
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
  /** Converters, transforms, error and topic-creation policy: built once, shared by the tasks. */
  readonly framework: FrameworkConfig;
  /** sluice.restart.* (validated once here, read on every task failure). */
  readonly restartPolicy: RestartPolicy;
  /** What the check warned of (keys nobody declares, weakening client overrides): logged on a change. */
  readonly warnings: readonly ConfigProblem[];
}

/** What checking a config found: the connector's own fields, every problem, and the result when none. */
export interface ConnectorConfigCheck {
  readonly entry: CatalogEntry | undefined;
  /** The connector's own keys, field by field (Connect's ConfigValueInfo), secrets hidden. */
  readonly fields: FieldResult[];
  /** Every problem found, framework keys, the connector's own fields and its cross-field rules. */
  readonly problems: ConfigProblem[];
  /**
   * Keys neither the framework nor the connector declares: kept and stored, as Connect keeps them
   * (tools add their own annotations), each with Sluice's did-you-mean for a near miss; and client
   * overrides kept that weaken the delivery guarantee or that no client of the connector reads.
   */
  readonly warnings: ConfigProblem[];
  readonly resolved: ResolvedConnectorConfig | undefined;
}

/**
 * Checks a whole connector config once, fully: the framework keys, the connector's own schema
 * and its validate() hook, collecting every problem instead of stopping at the first.
 */
export function checkConnectorConfig(
  config: Readonly<Record<string, string>>,
  catalog: ConnectorCatalog,
  overridePolicy: OverridePolicy = 'All',
): ConnectorConfigCheck {
  const problems: ConfigProblem[] = [];
  const effectiveConfig = collect(problems, () => resolveConfigProviders(config));
  const { framework, connector: own } = splitFrameworkKeys(effectiveConfig ?? config);
  const basics = collect(problems, () => common.parse(pick(framework, COMMON_KEYS)));
  const nameProblem = basics && connectorNameProblem(basics.name);
  if (nameProblem) problems.push({ field: 'name', reason: nameProblem });
  const className = String(framework['connector.class'] ?? '');
  const entry = className === '' ? undefined : catalog.find(className);
  if (className !== '' && !entry) problems.push({ field: 'connector.class', reason: unknownClass(className, catalog) });
  const clientUse = entry && clientUseOf(entry.connector.kind, framework);
  const built = frameworkConfigOf(framework, { overridePolicy, ...(clientUse ? { clientUse } : {}) });
  problems.push(...built.problems);
  const { fields, warnings: undeclared, declared } = ownFields(entry, own);
  const warnings = [...undeclared, ...built.warnings];
  const parsed = entry && collect(problems, () => entry.connector.validator.parse(declared) as Record<string, unknown>);
  if (entry && parsed) problems.push(...(entry.connector.validate?.(parsed as never) ?? []));
  // checked even when another common key is bad, so every problem shows at once
  const given = basics ?? { topics: listOf(framework.topics), 'topics.regex': String(framework['topics.regex'] ?? '') };
  const topics = entry ? sinkTopics(entry.connector, given.topics, given['topics.regex'], problems) : [];
  if (problems.length > 0 || !entry || !basics || !parsed || !built.config || !effectiveConfig) {
    return { entry, fields, problems, warnings, resolved: undefined };
  }
  const taskConfigs = collect(
    problems,
    () => taskConfigsOf(entry.connector as never, parsed as never, basics['tasks.max']) as Record<string, unknown>[],
  );
  const resolved = taskConfigs && {
    name: basics.name,
    connector: entry.connector,
    topics,
    config,
    effectiveConfig,
    parsed,
    taskConfigs,
    framework: built.config,
    restartPolicy: built.config.restartPolicy,
    warnings,
  };
  return { entry, fields, problems, warnings, resolved };
}

/** The connector's own fields checked; keys it does not declare set apart as warnings. */
function ownFields(entry: CatalogEntry | undefined, own: Record<string, unknown>) {
  if (!entry) return { fields: [], warnings: [], declared: own };
  const all = entry.connector.validator.validate(own).fields;
  const undeclared = all.filter(
    (field) => field.definition === null && !(field.name in entry.connector.config.properties),
  );
  const declared = Object.fromEntries(Object.entries(own).filter(([key]) => !undeclared.some((f) => f.name === key)));
  return {
    fields: all.filter((field) => !undeclared.includes(field)),
    warnings: undeclared.map((field) => ({ field: field.name, reason: field.errors.join('; ') })),
    declared,
  };
}

/**
 * Validates a whole connector config before anything runs. Throws a ConfigError whose
 * `problems` name every bad key and why; nothing is changed then.
 */
export function resolveConnectorConfig(
  config: Readonly<Record<string, string>>,
  catalog: ConnectorCatalog,
  overridePolicy: OverridePolicy = 'All',
): ResolvedConnectorConfig {
  const { problems, resolved } = checkConnectorConfig(config, catalog, overridePolicy);
  if (resolved) return resolved;
  const first = problems[0] ?? { field: 'config', reason: 'is invalid' };
  throw new ConfigError(first.field, first.reason, problems);
}

function collect<T>(problems: ConfigProblem[], run: () => T): T | undefined {
  try {
    return run();
  } catch (error) {
    if (!isConfigError(error)) throw error; // by brand: a connector's own SDK copy counts
    problems.push(...error.problems);
    return undefined;
  }
}

function listOf(value: unknown): string[] {
  return String(value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function pick(values: Readonly<Record<string, unknown>>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([key]) => keys.includes(key)));
}

/** Connect's wording (its answer to a create or update names nothing else), with Sluice's plugin list. */
export const UNKNOWN_CLASS_PREFIX = 'Failed to find any class that implements Connector and which name matches';

function unknownClass(className: string, catalog: ConnectorCatalog): string {
  const problem = catalog.problem(className);
  if (problem !== undefined) return `the plugin ${className} is installed but cannot be used: ${problem}`;
  const known = catalog
    .entries()
    .map((e) => `${e.connector.name} (${e.packageName}${e.version === undefined ? '' : ` ${e.version}`})`)
    .join(', ');
  return `${UNKNOWN_CLASS_PREFIX} ${className}, available connectors are: ${known || 'none'}`;
}

/** A sink names its input with exactly one of topics and topics.regex (as in Connect). */
function sinkTopics(connector: Connector, topics: string[], regex: string, problems: ConfigProblem[]): string[] {
  if (connector.kind === 'source') return [];
  if (topics.length > 0 && regex !== '') {
    problems.push({ field: 'topics', reason: 'topics and topics.regex are mutually exclusive' });
  } else if (topics.length === 0 && regex === '') {
    // under both keys, as Connect reports it
    const reason = 'Must configure one of topics or topics.regex';
    problems.push({ field: 'topics', reason }, { field: 'topics.regex', reason });
  }
  // librdkafka subscribes to a pattern when the name starts with ^
  return regex === '' ? topics : [regex.startsWith('^') ? regex : `^${regex}`];
}
