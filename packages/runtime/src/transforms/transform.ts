import type { ConfigOf, ConfigSchema } from '@sluice/sdk';

/** A record as transforms see it, in either path (after poll for sources, before put for sinks). */
export interface TransformRecord {
  readonly topic: string;
  readonly partition?: number;
  readonly offset?: string;
  readonly key: unknown;
  readonly value: unknown;
  readonly headers: Readonly<Record<string, Buffer | string>>;
  readonly timestamp?: number;
}

/** One record in, one record out, or null to drop it. Synchronous: it runs per record. */
export type Transform = (record: TransformRecord) => TransformRecord | null;
export type Predicate = (record: TransformRecord) => boolean;

/**
 * A transform (SMT) or predicate: a small plugin with its own config schema, like a connector.
 * `names` are the Kafka Connect class names it answers to (with `$Key`/`$Value` where Connect has
 * both variants) and a short alias.
 */
export interface PluginDefinition<S extends ConfigSchema, T> {
  readonly names: readonly string[];
  readonly description: string;
  readonly config: S;
  create(config: ConfigOf<S>): T;
}

export type TransformPlugin<S extends ConfigSchema = ConfigSchema> = PluginDefinition<S, Transform>;
export type PredicatePlugin<S extends ConfigSchema = ConfigSchema> = PluginDefinition<S, Predicate>;

/** Declares a transform; the identity function, here for type inference. */
export function defineTransform<S extends ConfigSchema>(definition: TransformPlugin<S>): TransformPlugin<S> {
  return definition;
}

/** Declares a predicate; the identity function, here for type inference. */
export function definePredicate<S extends ConfigSchema>(definition: PredicatePlugin<S>): PredicatePlugin<S> {
  return definition;
}

/** Which part of the record a `$Key`/`$Value` transform works on. */
export type RecordPart = 'key' | 'value';

/** Connect's class name for both variants, e.g. InsertField → InsertField$Key, InsertField$Value. */
export function variants(simpleName: string, part: RecordPart): string[] {
  const suffix = part === 'key' ? 'Key' : 'Value';
  return [`org.apache.kafka.connect.transforms.${simpleName}$${suffix}`, `${simpleName}$${suffix}`];
}

export function builtin(simpleName: string): string[] {
  return [`org.apache.kafka.connect.transforms.${simpleName}`, simpleName];
}

/** The record with one part replaced. */
export function withPart(record: TransformRecord, part: RecordPart, data: unknown): TransformRecord {
  return part === 'key' ? { ...record, key: data } : { ...record, value: data };
}

/** A plain object (Connect's schemaless map), or a clear error naming the transform. */
export function requireMap(data: unknown, transform: string, part: RecordPart): Record<string, unknown> {
  if (typeof data === 'object' && data !== null && !Array.isArray(data) && !Buffer.isBuffer(data)) {
    return data as Record<string, unknown>;
  }
  throw new Error(
    `${transform} needs the record ${part} to be a map (JSON object), got ${data === null ? 'null' : typeof data}`,
  );
}
