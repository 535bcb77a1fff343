import Ajv from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { TSchema } from '@sinclair/typebox';
import type { ConfigOf, ConfigSchema, Importance } from './config-schema.js';
import { REDACTED, fieldMeta } from './config-schema.js';
import { ConfigError } from './errors.js';

/** Kafka Connect's config types, as its REST API reports them. */
export type ConnectConfigType = 'BOOLEAN' | 'INT' | 'LONG' | 'DOUBLE' | 'STRING' | 'LIST' | 'PASSWORD';

/** One field's definition, in the shape of Kafka Connect's `ConfigKeyInfo`. */
export interface FieldDefinition {
  readonly name: string;
  readonly type: ConnectConfigType;
  readonly required: boolean;
  readonly defaultValue: string | null;
  readonly importance: Uppercase<Importance>;
  readonly documentation: string;
  readonly group: string | null;
  readonly order: number;
}

/** One field's validation outcome, in the shape of Kafka Connect's `ConfigValueInfo`. */
export interface FieldResult {
  readonly name: string;
  /** The given value as a string (secrets shown as `[hidden]`), or null when absent. */
  readonly value: string | null;
  readonly recommendedValues: string[];
  readonly errors: string[];
  readonly definition: FieldDefinition | null;
}

/** Safe to show: secret values appear as `[hidden]`. */
export interface ValidationResult {
  readonly errorCount: number;
  readonly fields: FieldResult[];
}

/** Keywords Sluice adds to JSON Schema; unknown keywords are errors (ajv strict mode). */
const SLUICE_KEYWORDS = ['secret', 'group', 'importance'];

/**
 * The ajv every connector schema is compiled with: strict, coercing, with defaults, and with
 * ajv-formats' standard formats (`uri`, `email`, `hostname`, `date-time`, `ipv4`, `uuid`, ...), so
 * `Type.String({ format: 'uri' })` validates instead of being refused as an unknown format.
 * Not its `formatMinimum`-style keywords: their generated code breaks when ajv-formats resolves
 * another copy of ajv than the SDK's (as here, where eslint's ajv 6 holds the root), so they
 * stay unknown keywords, refused by strict mode.
 */
export function createAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, useDefaults: true, coerceTypes: true, strict: true });
  addFormats(ajv, { keywords: false });
  for (const keyword of SLUICE_KEYWORDS) ajv.addKeyword({ keyword });
  return ajv;
}

/**
 * Validates Kafka Connect–style configs (string maps) against a connector's schema: numbers and
 * booleans are coerced from strings, comma-separated strings become lists, defaults are applied,
 * unknown keys are rejected. Every problem is reported against the field it concerns.
 */
export class ConfigValidator<S extends ConfigSchema> {
  private readonly check: ValidateFunction;
  readonly definitions: FieldDefinition[];

  /** Throws a ConfigError when the schema itself is not valid JSON Schema. */
  constructor(readonly schema: S) {
    try {
      this.check = createAjv().compile({ ...schema, additionalProperties: false });
    } catch (error) {
      throw new ConfigError('config', `is not a valid JSON Schema: ${(error as Error).message}`);
    }
    this.definitions = Object.entries(schema.properties).map(([name, property], order) =>
      definitionOf(name, property, schema.required?.includes(name) ?? false, order),
    );
  }

  /** Every field's outcome, for `config/validate` and error messages; never the parsed config. */
  validate(raw: Readonly<Record<string, unknown>>): ValidationResult {
    return this.run(raw).result;
  }

  /** The valid config (defaults applied, strings coerced), or a ConfigError naming every invalid field and why. */
  parse(raw: Readonly<Record<string, unknown>>): ConfigOf<S> {
    const { valid, data, result } = this.run(raw);
    if (valid) return data as ConfigOf<S>;
    const problems = result.fields
      .filter((field) => field.errors.length > 0)
      .map((field) => ({ field: field.name, reason: field.errors.join('; ') }));
    throw new ConfigError(problems[0]?.field ?? 'config', problems[0]?.reason ?? 'is invalid', problems);
  }

  private run(raw: Readonly<Record<string, unknown>>): { valid: boolean; data: unknown; result: ValidationResult } {
    const data = this.prepare(raw);
    const valid = this.check(data);
    const errors = groupErrors(this.check.errors ?? [], raw, Object.keys(this.schema.properties));
    const fields = this.definitions.map((definition) =>
      this.fieldResult(definition, raw, errors.get(definition.name) ?? []),
    );
    for (const [name, messages] of errors) {
      if (!(name in this.schema.properties))
        fields.push({ name, value: display(raw[name]), recommendedValues: [], errors: messages, definition: null });
    }
    const errorCount = fields.reduce((count, field) => count + field.errors.length, 0);
    return { valid, data, result: { errorCount, fields } };
  }

  /** A copy to validate: coercion and defaults must not change the caller's object. */
  private prepare(raw: Readonly<Record<string, unknown>>): Record<string, unknown> {
    const data = structuredClone(raw) as Record<string, unknown>;
    for (const [name, property] of Object.entries(this.schema.properties)) {
      const value = data[name];
      if ((property as { type?: unknown }).type === 'array' && typeof value === 'string') {
        data[name] = value
          .split(',')
          .map((item) => item.trim())
          .filter((item) => item !== '');
      }
    }
    return data;
  }

  private fieldResult(
    definition: FieldDefinition,
    raw: Readonly<Record<string, unknown>>,
    errors: string[],
  ): FieldResult {
    const property = this.schema.properties[definition.name] as { enum?: unknown[]; items?: { enum?: unknown[] } };
    const recommended = property.enum ?? property.items?.enum ?? [];
    const value =
      definition.type === 'PASSWORD' && raw[definition.name] !== undefined ? REDACTED : display(raw[definition.name]);
    return { name: definition.name, value, recommendedValues: recommended.map(String), errors, definition };
  }
}

function definitionOf(name: string, property: TSchema, required: boolean, order: number): FieldDefinition {
  const meta = fieldMeta(property);
  const hasDefault = property.default !== undefined;
  // TypeBox lists every non-Optional key as required; one with a default never needs a value
  const mustBeGiven = required && !hasDefault;
  return {
    name,
    type: connectType(property),
    required: mustBeGiven,
    defaultValue: hasDefault ? display(property.default) : null,
    importance: (meta.importance ?? (mustBeGiven ? 'high' : 'medium')).toUpperCase() as Uppercase<Importance>,
    documentation: typeof property.description === 'string' ? property.description : '',
    group: meta.group ?? null,
    order,
  };
}

function connectType(property: TSchema): ConnectConfigType {
  if (fieldMeta(property).secret) return 'PASSWORD';
  switch (property.type) {
    case 'boolean':
      return 'BOOLEAN';
    case 'integer':
      return typeof property.maximum === 'number' && property.maximum <= 2 ** 31 - 1 ? 'INT' : 'LONG';
    case 'number':
      return 'DOUBLE';
    case 'array':
      return 'LIST';
    default:
      return 'STRING';
  }
}

function display(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (Array.isArray(value)) return value.join(',');
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** ajv's errors as messages per config key, worded like Kafka Connect's. */
function groupErrors(
  errors: ErrorObject[],
  raw: Readonly<Record<string, unknown>>,
  known: string[],
): Map<string, string[]> {
  const byField = new Map<string, string[]>();
  const add = (field: string, message: string) => byField.set(field, [...(byField.get(field) ?? []), message]);
  for (const error of errors) {
    if (error.keyword === 'required') {
      const field = String(error.params.missingProperty);
      add(field, `Missing required configuration "${field}" which has no default value.`);
    } else if (error.keyword === 'additionalProperties') {
      const field = String(error.params.additionalProperty);
      add(field, `Unknown configuration "${field}"${suggestion(field, known)}`);
    } else {
      const field = fieldOfPath(error.instancePath);
      add(
        field,
        `Invalid value ${display(raw[field]) ?? 'null'} for configuration ${field}: ${reasonOf(error)}${allowed(error)}`,
      );
    }
  }
  return byField;
}

/** ajv's reason, in Connect's words where Connect has them (its Range validator's). */
function reasonOf(error: ErrorObject): string {
  const limit = (error.params as { limit?: unknown }).limit;
  if (error.keyword === 'minimum') return `Value must be at least ${String(limit)}`;
  if (error.keyword === 'maximum') return `Value must be no more than ${String(limit)}`;
  return error.message ?? 'is invalid';
}

function fieldOfPath(instancePath: string): string {
  const segment = instancePath.split('/')[1] ?? '';
  return segment.replace(/~1/g, '/').replace(/~0/g, '~') || 'config';
}

function allowed(error: ErrorObject): string {
  return error.keyword === 'enum' ? ` (${(error.params.allowedValues as unknown[]).join(', ')})` : '';
}

/** "; did you mean batch.size" for a near miss (edit distance 2 or less). */
function suggestion(field: string, known: string[]): string {
  const near = known.find((candidate) => distance(candidate, field) <= 2);
  return near ? `; did you mean "${near}"?` : '.';
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] as number;
      row[j] = Math.min(current + 1, (row[j - 1] as number) + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length] as number;
}
