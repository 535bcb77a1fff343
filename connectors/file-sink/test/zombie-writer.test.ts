import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { SinkRecord, SinkTask, SinkTaskContext } from '@sluice/sdk';
import { recordingLogger } from '@sluice/testkit';
import FileStreamSink from '../src/index.js';

// A task cut off from its group (a zombie: frozen past its session) while another task took its
// partitions over must not write to the file when it wakes: its flush would cut the file back to
// the length it committed last, over the other task's lines (seen in distributed-zombie.test.ts).
const record = (offset: number): SinkRecord => ({
  topic: 't',
  partition: 0,
  offset: String(offset),
  key: null,
  value: `line ${offset}`,
  headers: {},
  timestamp: 0,
});
const ctx = (): SinkTaskContext =>
  ({
    connector: 'files',
    taskId: 0,
    log: recordingLogger(),
    signal: new AbortController().signal,
    report: async () => undefined,
  }) as unknown as SinkTaskContext;

it("a zombie task's late put and flush fail and leave the new owner's lines alone", async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'file-sink-zombie-'));
  const file = path.join(dir, 'out.txt');
  const create = () => FileStreamSink.createTask({ file }, ctx()) as Promise<SinkTask>;
  try {
    const zombie = await create();
    await zombie.put([0, 1].map(record));
    await zombie.flush();
    await zombie.put([2, 3].map(record)); // written, not committed: then the task froze
    const owner = await create(); // the partitions' new owner cuts the uncommitted lines
    await expect(zombie.flush()).rejects.toThrow(/another task committed/); // woken before the owner flushed
    await owner.put([2, 3, 4, 5].map(record));
    await owner.flush();
    await expect(zombie.put([6].map(record))).rejects.toThrow(/another task committed/);
    expect((await fs.readFile(file, 'utf8')).split('\n').filter(Boolean)).toEqual(
      [0, 1, 2, 3, 4, 5].map((n) => `line ${n}`),
    );
    await Promise.all([zombie.close(), owner.close()]);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});
