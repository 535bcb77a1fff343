import fs from 'node:fs';
import path from 'node:path';

/** One librdkafka setting as its CONFIGURATION.md documents it. */
export interface LibrdkafkaSetting {
  readonly name: string;
  /** Which clients read it: C consumer, P producer, * both (and the admin client). */
  readonly clients: 'C' | 'P' | '*';
  /** Connect's ConfigDef type names: STRING, INT, DOUBLE, BOOLEAN, LIST. */
  readonly type: string;
  readonly defaultValue: string | null;
  /** HIGH, MEDIUM or LOW. */
  readonly importance: string;
  readonly documentation: string;
}

const TYPES: Readonly<Record<string, string>> = {
  integer: 'INT',
  float: 'DOUBLE',
  boolean: 'BOOLEAN',
  'CSV flags': 'LIST',
  'pattern list': 'LIST',
};

let settings: ReadonlyMap<string, LibrdkafkaSetting> | undefined;

/**
 * librdkafka's settings, read once from the CONFIGURATION.md the Kafka client package ships
 * (global and topic tables). Empty when the file is not there: callers then give no definition.
 */
export function librdkafkaSettings(): ReadonlyMap<string, LibrdkafkaSetting> {
  settings ??= parseTables(readConfigurationDoc());
  return settings;
}

function readConfigurationDoc(): string {
  try {
    const entry = require.resolve('@confluentinc/kafka-javascript');
    let dir = path.dirname(entry);
    while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
    return fs.readFileSync(path.join(dir, 'deps', 'librdkafka', 'CONFIGURATION.md'), 'utf8');
  } catch {
    return '';
  }
}

/** Rows `name | C/P | range | default | importance | description <br>*Type: t*`. */
export function parseTables(text: string): ReadonlyMap<string, LibrdkafkaSetting> {
  const found = new Map<string, LibrdkafkaSetting>();
  for (const line of text.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    const [name, clients, , defaultValue, importance, ...rest] = cells;
    if (cells.length < 6 || !name || !/^[a-z][a-z0-9._]*$/.test(name)) continue;
    if (clients !== 'C' && clients !== 'P' && clients !== '*') continue;
    const description = rest.join('|');
    const type = /\*Type: ([^*]+)\*/.exec(description)?.[1] ?? 'string';
    found.set(name, {
      name,
      clients,
      type: TYPES[type] ?? 'STRING',
      defaultValue: defaultValue === '' || defaultValue === undefined ? null : defaultValue,
      importance: (importance ?? 'low').toUpperCase(),
      documentation: description.replace(/\s*<br>\*Type: [^*]+\*\s*$/, ''),
    });
  }
  return found;
}
