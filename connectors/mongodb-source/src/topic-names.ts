import { ConfigError } from '@sluice/sdk';
import type { SourceConfig } from './config.js';

/** A change event's namespace: a database, and a collection unless the event is database-wide. */
export interface Namespace {
  readonly db: string;
  readonly coll?: string;
}

/** The topic a namespace's records go to. */
export type TopicNamer = (ns: Namespace) => string;

/** Characters of a Kafka topic name (its legal set; the broker also limits the length to 249). */
export const TOPIC_PART_PATTERN = '^[A-Za-z0-9._-]*$';

// a key is a plain namespace: no solidus, which MongoDB's connector reserves for regex patterns
const KEY = '"(?:[^"\\\\/]|\\\\[^/])+"';
const TOPIC = '"[A-Za-z0-9._-]*"';
const PAIR = `${KEY}\\s*:\\s*${TOPIC}`;

/**
 * `topic.namespace.map` as the schema checks it: empty, or a JSON object of namespace → topic
 * name pairs (strings of topic-name characters). Written as a pattern because connector configs
 * are string maps; namespaceMap() below reads it (and re-checks what a pattern cannot see).
 */
export const NAMESPACE_MAP_PATTERN = `^\\s*(?:\\{\\s*(?:${PAIR}(?:\\s*,\\s*${PAIR})*)?\\s*\\})?\\s*$`;

const WILDCARD = '*';

/**
 * Topic names as MongoDB's Kafka source connector derives them with its default topic mapper
 * (settings `topic.prefix`, `topic.suffix`, `topic.namespace.map`), with its default separator ".":
 *
 * 1. From `topic.namespace.map`, first match wins: a key equal to the whole namespace (`db.coll`,
 *    or `db` for a database-wide event) names the topic; else a key equal to the database names
 *    the topic's first part, followed by `.<coll>`; else the key `*` names the topic. Without a
 *    match the name is the namespace itself, `<db>.<coll>`. Pairs with an empty topic are ignored.
 * 2. `topic.prefix` and `topic.suffix`, when set, are then joined before and after it with ".".
 *
 * Names are computed once per namespace.
 */
export function topicNamer(config: SourceConfig): TopicNamer {
  const map = namespaceMap(config['topic.namespace.map']);
  const prefix = config['topic.prefix'] === '' ? '' : `${config['topic.prefix']}.`;
  const suffix = config['topic.suffix'] === '' ? '' : `.${config['topic.suffix']}`;
  const wildcard = map.get(WILDCARD);
  const named = new Map<string, string>();
  return (ns) => {
    const namespace = ns.coll === undefined ? ns.db : `${ns.db}.${ns.coll}`;
    let topic = named.get(namespace);
    if (topic === undefined) {
      const exact = map.get(namespace);
      const database = ns.coll === undefined ? undefined : map.get(ns.db);
      const undecorated = exact ?? (database === undefined ? undefined : `${database}.${ns.coll}`) ?? wildcard;
      topic = `${prefix}${undecorated ?? namespace}${suffix}`;
      named.set(namespace, topic);
    }
    return topic;
  };
}

/** The pairs of `topic.namespace.map` with a topic (empty ones dropped); a bad map is a ConfigError naming it. */
export function namespaceMap(raw: string): ReadonlyMap<string, string> {
  if (raw.trim() === '') return new Map();
  const fail = (reason: string): never => {
    throw new ConfigError('topic.namespace.map', reason);
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    return fail(`is not JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    fail('must be a JSON object mapping "db" or "db.collection" (or "*") to a topic name');
  const pairs = new Map<string, string>();
  for (const [key, topic] of Object.entries(parsed as Record<string, unknown>)) {
    if (typeof topic !== 'string') fail(`the topic of "${key}" must be a string`);
    if (key === '' || key.includes('/'))
      fail(`"${key}" is not a namespace: regex patterns ("/...") are not supported, use "db", "db.collection" or "*"`);
    if (!new RegExp(TOPIC_PART_PATTERN).test(topic as string))
      fail(`"${String(topic)}" (for "${key}") is not a topic name: use letters, digits, ".", "_" and "-"`);
    if (topic !== '') pairs.set(key, topic as string);
  }
  return pairs;
}
