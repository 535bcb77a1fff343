import { Type } from '@sinclair/typebox';
import type { Static, TObject, TProperties, TSchema } from '@sinclair/typebox';

/**
 * A connector's config schema: a JSON Schema object (built with TypeBox or written by hand)
 * whose properties are the connector's config keys, dotted as in Kafka Connect
 * (`batch.size`). One schema feeds validation, the task's config type, the REST
 * `config/validate` answer and the README config table.
 *
 * Keywords beyond JSON Schema, all optional: `secret: true` (redacted wherever the config is
 * shown), `group` (a heading for docs and UIs), `importance` (`high` | `medium` | `low`).
 */
export type ConfigSchema = TObject<TProperties>;

/** The typed config a task receives. */
export type ConfigOf<S extends ConfigSchema> = Static<S>;

export type Importance = 'high' | 'medium' | 'low';

/** Field metadata Sluice reads from a property schema (beside standard JSON Schema). */
export interface FieldMeta {
  readonly secret?: boolean;
  readonly group?: string;
  readonly importance?: Importance;
}

/** A secret string: shown as `[hidden]` in REST answers, status, logs and docs. */
export function Secret(options: { description: string } & Record<string, unknown>) {
  return Type.String({ ...options, secret: true });
}

/** The metadata of one property schema. */
export function fieldMeta(schema: TSchema): FieldMeta {
  const { secret, group, importance } = schema as FieldMeta;
  return {
    ...(secret === true ? { secret } : {}),
    ...(typeof group === 'string' ? { group } : {}),
    ...(importance !== undefined ? { importance } : {}),
  };
}

/** The keys of the schema whose values are secret. */
export function secretKeys(schema: ConfigSchema): string[] {
  return Object.entries(schema.properties)
    .filter(([, property]) => fieldMeta(property).secret === true)
    .map(([key]) => key);
}

export const REDACTED = '[hidden]';

/** A copy of `config` with every secret value replaced by `[hidden]`. */
export function redact(schema: ConfigSchema, config: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...config };
  for (const key of secretKeys(schema)) if (copy[key] !== undefined) copy[key] = REDACTED;
  return copy;
}
