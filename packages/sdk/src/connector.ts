import type { ConfigOf, ConfigSchema } from './config-schema.js';
import { ConfigValidator } from './config-validation.js';
import { ConnectorDefinitionError } from './errors.js';
import { isFrameworkKey } from './framework-keys.js';
import type { SinkTask, SinkTaskContext, SourceTask, SourceTaskContext } from './task.js';

interface CommonDefinition<S extends ConfigSchema> {
  /** The short alias `connector.class` accepts, e.g. `FileStreamSource`. */
  readonly name: string;
  readonly version: string;
  readonly description: string;
  readonly config: S;
  /**
   * Splits the work over at most `maxTasks` tasks (one config per task). Default: a source runs
   * one task; a sink runs `tasks.max` tasks with the same config (they share its topics through
   * the connector's consumer group, as Connect's sinks do). Return fewer when the work does not
   * split soundly.
   */
  taskConfigs?(config: ConfigOf<S>, maxTasks: number): ConfigOf<S>[];
  /**
   * Cross-field rules the schema cannot say (e.g. "upsert needs document.version=none"), run on
   * the schema-valid config by `config/validate`, `POST` and `PUT`, before anything is stored or
   * started. Return every problem, each naming its field; [] (or nothing) when the config is good.
   * Must be pure and fast: no I/O.
   */
  validate?(config: ConfigOf<S>): readonly ConfigProblem[] | undefined;
}

/** A config problem a connector's validate() found: the key at fault and why. */
export interface ConfigProblem {
  readonly field: string;
  readonly reason: string;
}

export interface SourceDefinition<S extends ConfigSchema> extends CommonDefinition<S> {
  createTask(config: ConfigOf<S>, ctx: SourceTaskContext): Promise<SourceTask>;
}

export interface SinkDefinition<S extends ConfigSchema> extends CommonDefinition<S> {
  /**
   * True: the sink can write a value's JSON text as it is (`SinkRecord.valueJson`), so the
   * runtime checks such values with `scanJsonText` instead of parsing them. Records that carry
   * `valueJson` have `value` as an accessor that parses on first read: read it by name (an
   * object spread of such a record leaves `value` out). Default false: every record is parsed.
   */
  readonly valueJsonText?: boolean;
  createTask(config: ConfigOf<S>, ctx: SinkTaskContext): Promise<SinkTask>;
}

export interface SourceConnector<S extends ConfigSchema = ConfigSchema> extends SourceDefinition<S> {
  readonly kind: 'source';
  readonly validator: ConfigValidator<S>;
}

export interface SinkConnector<S extends ConfigSchema = ConfigSchema> extends SinkDefinition<S> {
  readonly kind: 'sink';
  readonly validator: ConfigValidator<S>;
}

export type Connector = SourceConnector | SinkConnector;

/** Declares a source connector. Throws ConnectorDefinitionError when the definition cannot work. */
export function defineSource<S extends ConfigSchema>(definition: SourceDefinition<S>): SourceConnector<S> {
  return { ...definition, kind: 'source', validator: checkDefinition(definition) };
}

/** Declares a sink connector. Throws ConnectorDefinitionError when the definition cannot work. */
export function defineSink<S extends ConfigSchema>(definition: SinkDefinition<S>): SinkConnector<S> {
  return { ...definition, kind: 'sink', validator: checkDefinition(definition) };
}

/** The task configs to run: the connector's split; else one for a source, `maxTasks` for a sink. */
export function taskConfigsOf<S extends ConfigSchema>(
  connector: CommonDefinition<S> & { readonly kind: 'source' | 'sink' },
  config: ConfigOf<S>,
  maxTasks: number,
): ConfigOf<S>[] {
  const configs = connector.taskConfigs
    ? connector.taskConfigs(config, maxTasks)
    : Array.from({ length: connector.kind === 'sink' ? maxTasks : 1 }, () => config);
  if (configs.length === 0 || configs.length > maxTasks) {
    throw new ConnectorDefinitionError(
      connector.name,
      `taskConfigs returned ${configs.length} configs for tasks.max=${maxTasks}`,
    );
  }
  return configs;
}

const NAME = /^[A-Za-z][A-Za-z0-9_.-]*$/;

function checkDefinition<S extends ConfigSchema>(definition: CommonDefinition<S>): ConfigValidator<S> {
  const name = typeof definition.name === 'string' ? definition.name : '';
  const fail = (reason: string): never => {
    throw new ConnectorDefinitionError(name || '(unnamed connector)', reason);
  };
  if (!NAME.test(name)) fail('name: must be a word such as "FileStreamSource" (letters, digits, _ . -)');
  if (typeof definition.version !== 'string' || definition.version === '') fail('version: must be set');
  if (typeof definition.description !== 'string' || definition.description === '') fail('description: must be set');
  if (definition.config?.type !== 'object' || typeof definition.config.properties !== 'object') {
    fail('config: must be a JSON Schema object with properties (e.g. Type.Object({...}))');
  }
  const seen = new Map<string, string>();
  for (const key of Object.keys(definition.config.properties)) {
    if (isFrameworkKey(key)) fail(`config: "${key}" is a framework key the runtime owns; choose another name`);
    const normalised = key.toLowerCase().replace(/[._-]/g, '');
    const twin = seen.get(normalised);
    if (twin !== undefined)
      fail(`config: "${key}" duplicates "${twin}" (keys must differ by more than case and separators)`);
    seen.set(normalised, key);
  }
  try {
    return new ConfigValidator(definition.config);
  } catch (error) {
    return fail((error as Error).message);
  }
}
