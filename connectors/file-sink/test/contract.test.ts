import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { SinkRecord } from '@sluice/sdk';
import { describeSinkContract, expectReadmeTableCurrent } from '@sluice/testkit';
import FileStreamSink from '../src/index.js';

describeSinkContract({
  connector: FileStreamSink,
  invalidConfigs: [
    { config: {}, field: 'file' },
    { config: { file: '' }, field: 'file' },
    { config: { file: '/tmp/x', flie: '/tmp/y' }, field: 'flie' },
  ],
  fixture: async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'file-sink-'));
    const target = path.join(dir, 'target');
    await fs.mkdir(target);
    const file = path.join(target, 'out.txt');
    return {
      config: { file },
      read: async () =>
        (await fs.readFile(file, 'utf8').catch(() => ''))
          .split('\n')
          .filter((line) => line !== '')
          .sort(),
      expected: (records: readonly SinkRecord[]) => records.map((record) => JSON.stringify(record.value)).sort(),
      badRecord: (template: SinkRecord) => ({ ...template, value: 'two\nlines' }),
      breakTarget: () => fs.rm(target, { recursive: true }),
      repairTarget: () => fs.mkdir(target).then(() => undefined),
      cleanup: () => fs.rm(dir, { recursive: true, force: true }),
    };
  },
});

it('keeps the README config table in step with the schema', () => {
  expectReadmeTableCurrent(path.join(__dirname, '..', 'README.md'), FileStreamSink.config);
});
