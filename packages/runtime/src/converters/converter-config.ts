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

export const SIMPLE_HEADER_CONVERTER = 'org.apache.kafka.connect.storage.SimpleHeaderConverter';

/** What header.converter accepts, as Connect lists its header converters: every converter and SimpleHeaderConverter. */
export const HEADER_CONVERTER_CLASSES: readonly string[] = [...CONVERTER_CLASSES, SIMPLE_HEADER_CONVERTER].sort();

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
  return converterNamed(role, String(config[`${role}.converter`] ?? fallback), config);
}

/**
 * The converter `header.converter` names for a source's header values, or undefined for
 * SimpleHeaderConverter (the default): text as UTF-8, bytes as they are, which is also how
 * librdkafka writes a header. A header whose value is bytes is written as it is whatever the
 * converter; a sink is handed every header as bytes (its connector reads them).
 */
export function headerConverterFor(config: Readonly<Record<string, unknown>>): Converter | undefined {
  const name = String(config['header.converter'] ?? SIMPLE_HEADER_CONVERTER);
  return name === SIMPLE_HEADER_CONVERTER ? undefined : converterNamed('header', name, config);
}

function converterNamed(role: 'key' | 'value' | 'header', name: string, config: Readonly<Record<string, unknown>>) {
  const create = CONVERTERS[name];
  if (!create) {
    throw new ConfigError(
      `${role}.converter`,
      `unknown converter ${name}; known: ${[...Object.keys(CONVERTERS), ...(role === 'header' ? [SIMPLE_HEADER_CONVERTER] : [])].join(', ')}`,
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
