/**
 * Config keys the runtime owns, with Kafka Connect's names and meanings. A connector's schema
 * must not define them; the runtime removes them before validating the connector's own keys.
 */
const EXACT = new Set([
  'name',
  'connector.class',
  'tasks.max',
  'topics',
  'topics.regex',
  'key.converter',
  'value.converter',
  'header.converter',
  'transforms',
  'predicates',
  'config.action.reload',
  'exactly.once.support',
  'transaction.boundary',
  'offsets.storage.topic',
]);

const PREFIXES = [
  'key.converter.',
  'value.converter.',
  'header.converter.',
  'transforms.',
  'predicates.',
  'errors.',
  'producer.override.',
  'consumer.override.',
  'admin.override.',
  'sluice.',
  'topic.creation.',
];

export function isFrameworkKey(key: string): boolean {
  return EXACT.has(key) || PREFIXES.some((prefix) => key.startsWith(prefix));
}

/** Splits a raw Connect config into the runtime's keys and the connector's own. */
export function splitFrameworkKeys(raw: Readonly<Record<string, unknown>>): {
  framework: Record<string, unknown>;
  connector: Record<string, unknown>;
} {
  const framework: Record<string, unknown> = {};
  const connector: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) (isFrameworkKey(key) ? framework : connector)[key] = value;
  return { framework, connector };
}
