'use strict';
const fs = require('node:fs');
const { Type, defineSource, pause } = require('@sluice/sdk');

/** Records per source task and key spread: task t's record n has key `t/(n mod KEYS)`, value `t n`. */
const KEYS = 8;

/** The highest record count the test asked for so far (a number in `limit.file`; absent: 0). */
function limitOf(file) {
  try {
    return Number(fs.readFileSync(file, 'utf8').trim()) || 0;
  } catch {
    return 0;
  }
}

/**
 * A source of sequence-numbered records for tests: each of its tasks emits `<task> <n>` for
 * n = 0, 1, ... up to the number in `limit.file`, keyed over KEYS keys (so a topic's partitions
 * all carry some), with the source partition `{ task }` and the offset `{ next }`, so a moved or
 * restarted task resumes at the first record whose offset was not stored.
 */
module.exports = defineSource({
  name: 'SequenceSource',
  version: '1.0.0',
  description: 'Test source: sequence-numbered records per task, up to the count in a file.',
  config: Type.Object({
    topic: Type.String({ minLength: 1 }),
    'limit.file': Type.String({ minLength: 1 }),
    'batch.size': Type.Integer({ default: 50, minimum: 1 }),
  }),
  taskConfigs: (config, maxTasks) => Array.from({ length: maxTasks }, () => config),
  async createTask(config, ctx) {
    const partition = { task: ctx.taskId };
    let next = (await ctx.offsetOf(partition))?.next ?? 0;
    return {
      async poll() {
        const end = Math.min(limitOf(config['limit.file']), next + config['batch.size']);
        if (end <= next) {
          await pause(100, ctx.signal);
          return [];
        }
        const records = [];
        for (let n = next; n < end; n++) {
          const key = `${ctx.taskId}/${n % KEYS}`;
          records.push({
            sourcePartition: partition,
            sourceOffset: { next: n + 1 },
            topic: config.topic,
            key,
            value: `${ctx.taskId} ${n}`,
          });
        }
        next = end;
        return records;
      },
      async close() {},
    };
  },
});
