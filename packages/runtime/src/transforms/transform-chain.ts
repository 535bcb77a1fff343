import { ConfigError, ConfigValidator } from '@sluice/sdk';
import type { ConfigSchema } from '@sluice/sdk';
import { fieldTransforms } from './field-transforms.js';
import { headerTransforms } from './header-transforms.js';
import { predicates } from './predicates.js';
import { routingTransforms } from './routing-transforms.js';
import { timestampTransforms } from './timestamp-converter.js';
import type {
  PluginDefinition,
  Predicate,
  PredicatePlugin,
  Transform,
  TransformPlugin,
  TransformRecord,
} from './transform.js';

export const TRANSFORM_PLUGINS: readonly TransformPlugin[] = [
  ...fieldTransforms,
  ...routingTransforms,
  ...headerTransforms,
  ...timestampTransforms,
];
export const PREDICATE_PLUGINS: readonly PredicatePlugin[] = predicates;

/** Splits a comma-separated alias list (`transforms=a, b`). */
function aliases(value: unknown): string[] {
  return String(value ?? '')
    .split(',')
    .map((alias) => alias.trim())
    .filter(Boolean);
}

/** The keys under `prefix` with the prefix removed, except the given reserved ones. */
function scoped(
  config: Readonly<Record<string, unknown>>,
  prefix: string,
  reserved: string[],
): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(config)
      .filter(([key]) => key.startsWith(prefix) && !reserved.includes(key.slice(prefix.length)))
      .map(([key, value]) => [key.slice(prefix.length), value]),
  );
}

/** Creates a plugin from `<prefix>type` and its settings; errors name the full config key. */
function instantiate<T>(
  plugins: readonly PluginDefinition<ConfigSchema, T>[],
  config: Readonly<Record<string, unknown>>,
  prefix: string,
): T {
  const type = config[`${prefix}type`];
  if (type === undefined) throw new ConfigError(`${prefix}type`, 'is required');
  const plugin = plugins.find((candidate) => candidate.names.includes(String(type)));
  if (!plugin) throw new ConfigError(`${prefix}type`, `unknown class ${String(type)}`);
  try {
    return plugin.create(
      new ConfigValidator(plugin.config).parse(scoped(config, prefix, ['type', 'predicate', 'negate'])),
    );
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError(`${prefix}${error.field}`, error.reason);
    throw new ConfigError(`${prefix}type`, (error as Error).message);
  }
}

/** The chain when no transform is configured; runners compare against it to skip per-record work. */
export const noTransforms: Transform = (record) => record;

/**
 * The connector's transforms as one function, configured with Kafka Connect's syntax:
 * `transforms=a,b`, `transforms.a.type=...`, `transforms.a.<setting>`, and optionally
 * `transforms.a.predicate=p` (+ `transforms.a.negate=true`) with `predicates=p`,
 * `predicates.p.type=...`. Applied in order; a transform returning null drops the record.
 */
export function transformChain(config: Readonly<Record<string, unknown>>): Transform {
  const named = new Map<string, Predicate>(
    aliases(config.predicates).map((alias) => [alias, instantiate(PREDICATE_PLUGINS, config, `predicates.${alias}.`)]),
  );
  const steps = aliases(config.transforms).map((alias) => {
    const prefix = `transforms.${alias}.`;
    const transform = instantiate(TRANSFORM_PLUGINS, config, prefix);
    const predicateName = config[`${prefix}predicate`];
    if (predicateName === undefined) return transform;
    const predicate = named.get(String(predicateName));
    if (!predicate)
      throw new ConfigError(`${prefix}predicate`, `names no predicate in predicates (${[...named.keys()].join(', ')})`);
    const negate = String(config[`${prefix}negate`] ?? 'false') === 'true';
    return (record: TransformRecord) => (predicate(record) !== negate ? transform(record) : record);
  });
  if (steps.length === 0) return noTransforms;
  return (record) => {
    let current: TransformRecord | null = record;
    for (const step of steps) {
      if (current === null) return null;
      current = step(current);
    }
    return current;
  };
}
