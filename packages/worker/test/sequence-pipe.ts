import fs from 'node:fs';
import path from 'node:path';

/** The test plugins' directory (a worker's `pluginPath`): SequenceSource and SequenceSink. */
export const SEQUENCE_PLUGINS = path.join(__dirname, 'sequence-plugins');

/**
 * A SequenceSource → topic → SequenceSink pipe with `tasks` tasks each: every source task t
 * emits `t n` for n below the count in `limitFile`, and every sink task appends what it gets to
 * `output`. The topic is created by the source with 6 partitions, so all sink tasks carry some.
 */
export function sequencePipe(label: string, run: string, dir: string, tasks = 3) {
  const topic = `${label}-seq-${run}`;
  const limitFile = path.join(dir, `${label}-limit.txt`);
  const output = path.join(dir, `${label}-target.txt`);
  const strings = { 'key.converter': 'string', 'value.converter': 'string' };
  let count = 0;
  return {
    source: `${label}-seq-src-${run}`,
    sink: `${label}-seq-sink-${run}`,
    topic,
    output,
    tasks,
    sourceConfig: {
      'connector.class': 'SequenceSource',
      'tasks.max': String(tasks),
      topic,
      'limit.file': limitFile,
      'topic.creation.default.partitions': '6',
      'topic.creation.default.replication.factor': '-1',
      ...strings,
    },
    sinkConfig: {
      'connector.class': 'SequenceSink',
      'tasks.max': String(tasks),
      topics: topic,
      file: output,
      ...strings,
    },
    /** How many records each source task is to emit so far. */
    count: () => count,
    /** Lets each source task emit `more` records more. */
    more(more: number): void {
      count += more;
      fs.writeFileSync(`${limitFile}.tmp`, String(count));
      fs.renameSync(`${limitFile}.tmp`, limitFile);
    },
    /** The target's lines (`t n`), in the order they were written. */
    target: (): string[] => (fs.existsSync(output) ? fs.readFileSync(output, 'utf8').split('\n').filter(Boolean) : []),
  };
}

export interface SequenceCheck {
  /** Records of the source (tasks × count) not in the target. */
  readonly missing: number;
  /** Lines beyond the first of each record (at-least-once repeats). */
  readonly repeats: number;
  /** Lines naming no record of the source (a task or number that was never emitted). */
  readonly foreign: number;
  /** Records whose first appearance came after a later record of the same key (`t/(n mod 8)`). */
  readonly outOfOrder: number;
}

/**
 * Checks `t n` lines against a source of `tasks` tasks that emitted `count` records each:
 * complete, nothing foreign, each key's records first seen in order (a key is one Kafka
 * partition's, so a sink delivers them in order), and how many lines repeat.
 */
export function checkSequences(lines: readonly string[], tasks: number, count: number): SequenceCheck {
  const seen = new Set<string>();
  const lastPerKey = new Map<string, number>();
  let foreign = 0;
  let outOfOrder = 0;
  for (const line of lines) {
    const [t, n] = line.split(' ').map(Number) as [number, number];
    if (!(t >= 0 && t < tasks && n >= 0 && n < count && Number.isInteger(n))) foreign += 1;
    else if (!seen.has(line)) {
      seen.add(line);
      const key = `${t}/${n % 8}`;
      if ((lastPerKey.get(key) ?? -1) > n) outOfOrder += 1;
      lastPerKey.set(key, n);
    }
  }
  return { missing: tasks * count - seen.size, repeats: lines.length - seen.size - foreign, foreign, outOfOrder };
}
