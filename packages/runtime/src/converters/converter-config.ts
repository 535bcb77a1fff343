import { ConfigError } from '@sluice/sdk';
import type { Converter } from './converter.js';
import { JsonConverter } from './json-converter.js';
import {
  booleanConverter,
  doubleConverter,
  floatConverter,
  integerConverter,
  longConverter,
  shortConverter,
} from './number-converters.js';
import { byteArrayConverter, stringConverter } from './simple-converters.js';

const NUMBER_CONVERTERS: Readonly<Record<string, Converter>> = {
  BooleanConverter: booleanConverter,
  DoubleConverter: doubleConverter,
  FloatConverter: floatConverter,
  IntegerConverter: integerConverter,
  LongConverter: longConverter,
  ShortConverter: shortConverter,
};

/** Kafka Connect's class names and Sluice's short names for the built-in converters. */
const CONVERTERS: Record<string, (settings: Readonly<Record<string, unknown>>) => Converter> = {
  'org.apache.kafka.connect.json.JsonConverter': jsonFrom,
  json: jsonFrom,
  'org.apache.kafka.connect.storage.StringConverter': () => stringConverter,
  string: () => stringConverter,
  'org.apache.kafka.connect.converters.ByteArrayConverter': () => byteArrayConverter,
  bytes: () => byteArrayConverter,
  ...Object.fromEntries(
    Object.entries(NUMBER_CONVERTERS).map(([name, converter]) => [
      `org.apache.kafka.connect.converters.${name}`,
      () => converter,
    ]),
  ),
};

/** The Kafka Connect class names of the built-in converters, sorted (as Connect lists them). */
export const CONVERTER_CLASSES: readonly string[] = Object.keys(CONVERTERS)
  .filter((name) => name.includes('.'))
  .sort();

function jsonFrom(settings: Readonly<Record<string, unknown>>): Converter {
  return new JsonConverter(String(settings['schemas.enable'] ?? 'true') !== 'false');
}

/**
 * The converter a connector config names for `key` or `value` (`key.converter=...`, with its
 * settings under `key.converter.*`), or the worker's default. Unknown names are config errors.
 */
export function converterFor(
  role: 'key' | 'value',
  config: Readonly<Record<string, unknown>>,
  fallback = 'org.apache.kafka.connect.json.JsonConverter',
): Converter {
  const name = String(config[`${role}.converter`] ?? fallback);
  const create = CONVERTERS[name];
  if (!create) {
    throw new ConfigError(
      `${role}.converter`,
      `unknown converter ${name}; known: ${Object.keys(CONVERTERS).join(', ')}`,
    );
  }
  const prefix = `${role}.converter.`;
  const settings = Object.fromEntries(
    Object.entries(config)
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, value]) => [key.slice(prefix.length), value]),
  );
  return create(settings);
}
