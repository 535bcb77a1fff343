import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describeSourceContract, expectReadmeTableCurrent } from '@sluice/testkit';
import FileStreamSource from '../src/index.js';

describeSourceContract({
  connector: FileStreamSource,
  invalidConfigs: [
    { config: { topic: 't' }, field: 'file' },
    { config: { file: '/tmp/x' }, field: 'topic' },
    { config: { file: '/tmp/x', topic: 't', 'batch.size': '0' }, field: 'batch.size' },
    { config: { file: '/tmp/x', topic: 't', 'batch.size': 'lots' }, field: 'batch.size' },
  ],
  fixture: async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'file-source-'));
    const file = path.join(dir, 'in.txt');
    let next = 0;
    return {
      config: { file, topic: 'lines', 'poll.interval.ms': '50' },
      write: async (count: number) => {
        const lines = Array.from({ length: count }, () => `line ${next++} héllo`);
        await fs.appendFile(file, lines.map((line) => `${line}\n`).join(''));
        return lines;
      },
      identify: (record) => String(record.value),
      cleanup: () => fs.rm(dir, { recursive: true, force: true }),
    };
  },
});

it('keeps the README config table in step with the schema', () => {
  expectReadmeTableCurrent(path.join(__dirname, '..', 'README.md'), FileStreamSource.config);
});
