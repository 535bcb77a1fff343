/**
 * Compares one answer of Kafka Connect with Sluice's: status, the `Location` header, the body's
 * shape (keys, value types) and its values, after each side's own names (connector-name prefix,
 * directories, worker address) were replaced by the same placeholders.
 */
export interface Observation {
  readonly status: number;
  readonly location?: string;
  readonly body: unknown;
}

export interface CompareOptions {
  /** Paths (globs, `*` = any characters) whose values differ by nature: only their types are compared. */
  readonly ignoreValues?: readonly string[];
  /** Arrays compared as sets of elements keyed by this field (dotted), e.g. `name` or `value.name`. */
  readonly keyBy?: Readonly<Record<string, string>>;
  /** Arrays whose elements are compared by one merged shape, not one by one (lists of unlike length). */
  readonly shapeOnly?: readonly string[];
}

/** One difference: where, and what each side answered there. */
export interface Difference {
  readonly step: string;
  readonly path: string;
  readonly connect: string;
  readonly sluice: string;
}

export const describeDifference = (d: Difference): string =>
  `${d.step} ${d.path}: Connect ${d.connect} | Sluice ${d.sluice}`;

const typeOf = (value: unknown): string => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

const show = (value: unknown): string => {
  const text = value === undefined ? 'absent' : JSON.stringify(value);
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
};

export function globMatches(glob: string, text: string): boolean {
  const pattern = glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${pattern.join('.*')}$`).test(text);
}

export function compareObservations(
  step: string,
  connect: Observation,
  sluice: Observation,
  options: CompareOptions = {},
): Difference[] {
  const differences: Difference[] = [];
  const add = (path: string, c: unknown, s: unknown) =>
    differences.push({ step, path, connect: show(c), sluice: show(s) });
  if (connect.status !== sluice.status) add('status', connect.status, sluice.status);
  if (connect.location !== sluice.location) add('Location', connect.location, sluice.location);
  walk('$', connect.body, sluice.body, options, add);
  return differences;
}

type Add = (path: string, connect: unknown, sluice: unknown) => void;

function walk(path: string, c: unknown, s: unknown, options: CompareOptions, add: Add): void {
  if (typeOf(c) !== typeOf(s)) return add(path, c, s);
  if (Array.isArray(c) && Array.isArray(s)) return walkArray(path, c, s, options, add);
  if (typeOf(c) === 'object') {
    const co = c as Record<string, unknown>;
    const so = s as Record<string, unknown>;
    for (const key of new Set([...Object.keys(co), ...Object.keys(so)])) {
      const child = `${path}.${key}`;
      if (!(key in so)) add(child, co[key], undefined);
      else if (!(key in co)) add(child, undefined, so[key]);
      else walk(child, co[key], so[key], options, add);
    }
    return;
  }
  const ignored = (options.ignoreValues ?? []).some((glob) => globMatches(glob, path));
  if (!ignored && c !== s) add(path, c, s);
}

function walkArray(path: string, c: unknown[], s: unknown[], options: CompareOptions, add: Add): void {
  const glob = (map?: Readonly<Record<string, string>>) =>
    Object.entries(map ?? {}).find(([pattern]) => globMatches(pattern, path))?.[1];
  const key = glob(options.keyBy);
  if (key !== undefined) {
    const byKey = (items: unknown[]) => new Map(items.map((item) => [String(dig(item, key)), item]));
    const cm = byKey(c);
    const sm = byKey(s);
    for (const name of new Set([...cm.keys(), ...sm.keys()])) {
      const child = `${path}[${key}=${name}]`;
      if (!sm.has(name)) add(child, 'present', undefined);
      else if (!cm.has(name)) add(child, undefined, 'present');
      else walk(child, cm.get(name), sm.get(name), options, add);
    }
    return;
  }
  if ((options.shapeOnly ?? []).some((pattern) => globMatches(pattern, path))) {
    return walk(`${path}[*]`, mergedShape(c), mergedShape(s), options, add);
  }
  if (c.length !== s.length) add(`${path}.length`, c.length, s.length);
  for (let i = 0; i < Math.min(c.length, s.length); i++) walk(`${path}[${i}]`, c[i], s[i], options, add);
}

/** The union of the elements' keys, each with the set of value types found (values dropped). */
function mergedShape(items: unknown[]): unknown {
  const types = new Set(items.map(typeOf));
  if (types.size !== 1 || !types.has('object')) return [...types].sort().join('|');
  const shape: Record<string, Set<string>> = {};
  for (const item of items as Record<string, unknown>[]) {
    for (const [key, value] of Object.entries(item)) (shape[key] ??= new Set()).add(typeOf(value));
  }
  return Object.fromEntries(Object.entries(shape).map(([key, set]) => [key, [...set].sort().join('|')]));
}

function dig(value: unknown, dotted: string): unknown {
  return dotted.split('.').reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], value);
}

/** Replaces each side's own strings (names, directories, address) by placeholders, keys included. */
export function normalize(value: unknown, replacements: ReadonlyArray<readonly [string, string]>): unknown {
  const fix = (text: string) => replacements.reduce((at, [from, to]) => at.split(from).join(to), text);
  if (typeof value === 'string') return fix(value);
  if (Array.isArray(value)) return value.map((item) => normalize(item, replacements));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [fix(key), normalize(item, replacements)]));
  }
  return value;
}
