'use strict';
const fs = require('node:fs');
const { Type, defineSink } = require('@sluice/sdk');

/**
 * A sink for tests: every task appends the values it was given, one line each, to the same
 * `file`, on flush() (so before its offsets are committed: a line may repeat after a crash,
 * never go missing). One append per flush; what a revoked partition had buffered is dropped
 * (it is delivered again to the partition's next owner).
 */
module.exports = defineSink({
  name: 'SequenceSink',
  version: '1.0.0',
  description: 'Test sink: values as lines in one file, written on flush.',
  config: Type.Object({ file: Type.String({ minLength: 1 }) }),
  async createTask(config) {
    const buffered = new Map(); // partition -> lines
    return {
      async put(records) {
        for (const record of records) {
          const lines = buffered.get(record.partition) ?? [];
          lines.push(`${record.value}\n`);
          buffered.set(record.partition, lines);
        }
      },
      async flush() {
        const text = [...buffered.values()].flat().join('');
        buffered.clear();
        if (text.length > 0) fs.appendFileSync(config.file, text);
      },
      async closePartitions(partitions) {
        for (const { partition } of partitions) buffered.delete(partition);
      },
      async close() {},
    };
  },
});
