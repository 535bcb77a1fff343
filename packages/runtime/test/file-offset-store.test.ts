import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FileOffsetStore } from '@sluice/runtime';
import { AtomicJsonFile } from '../src/stores/atomic-file';

describe('FileOffsetStore', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'offsets-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keeps offsets per connector and partition across instances, whatever the key order', async () => {
    const file = path.join(dir, 'a', 'offsets.json');
    const store = new FileOffsetStore(file);
    await store.set('c1', [
      { partition: { db: 'shop', coll: 'products' }, offset: { token: 'x' } },
      { partition: { filename: '/f' }, offset: { position: 10 } },
    ]);
    await store.set('c2', [{ partition: { filename: '/f' }, offset: { position: 99 } }]);
    await store.set('c1', [{ partition: { filename: '/f' }, offset: { position: 20 } }]);

    const reopened = new FileOffsetStore(file);
    expect(await reopened.get('c1', { coll: 'products', db: 'shop' })).toEqual({ token: 'x' });
    expect(await reopened.get('c1', { filename: '/f' })).toEqual({ position: 20 });
    expect(await reopened.get('c2', { filename: '/f' })).toEqual({ position: 99 });
    expect(await reopened.get('c3', { filename: '/f' })).toBeUndefined();
    expect(fs.readdirSync(path.dirname(file))).toEqual(['offsets.json']); // no temporary left behind
  });

  it("lists, alters and resets one connector's offsets, leaving the others'", async () => {
    const file = path.join(dir, 'b', 'offsets.json');
    const store = new FileOffsetStore(file);
    await store.set('c1', [
      { partition: { filename: '/a' }, offset: { position: 1 } },
      { partition: { filename: '/b' }, offset: { position: 2 } },
    ]);
    await store.set('c2', [{ partition: { filename: '/a' }, offset: { position: 9 } }]);
    await store.alter('c1', [
      { partition: { filename: '/a' }, offset: null },
      { partition: { filename: '/c' }, offset: { position: 3 } },
    ]);
    const reopened = new FileOffsetStore(file);
    expect(await reopened.list('c1')).toEqual([
      { partition: { filename: '/b' }, offset: { position: 2 } },
      { partition: { filename: '/c' }, offset: { position: 3 } },
    ]);
    await reopened.reset('c1');
    expect(await new FileOffsetStore(file).list('c1')).toEqual([]);
    expect(await new FileOffsetStore(file).list('c2')).toEqual([
      { partition: { filename: '/a' }, offset: { position: 9 } },
    ]);
  });

  it('says which file it could not read', async () => {
    const file = path.join(dir, 'broken.json');
    fs.writeFileSync(file, '{torn');
    await expect(new FileOffsetStore(file).get('c', {})).rejects.toThrow(`reading source offsets from ${file} failed`);
  });
});

describe('AtomicJsonFile', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('folds writes asked for while one runs into the newest; each resolves once its value or a newer one is on disk', async () => {
    const file = path.join(dir, 'missing', 'deeper', 'state.json'); // the directories are created
    const out = new AtomicJsonFile(file);
    const onDisk = () => (JSON.parse(fs.readFileSync(file, 'utf8')) as { n: number }).n;
    const seen: number[] = [];
    const writes = Array.from({ length: 50 }, (_, n) => out.write({ n }).then(() => seen.push(onDisk() - n)));
    await Promise.all(writes);
    expect(onDisk()).toBe(49);
    expect(seen.every((ahead) => ahead >= 0)).toBe(true);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['state.json']);
    await out.write({ n: 50 }); // a write after the fold starts again
    expect(onDisk()).toBe(50);
  });

  it("rejects every write folded into a failed one with that write's error", async () => {
    const blocker = path.join(dir, 'a-file');
    fs.writeFileSync(blocker, '');
    const out = new AtomicJsonFile(path.join(blocker, 'state.json')); // its directory is a file
    const results = await Promise.allSettled([out.write(1), out.write(2), out.write(3)]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected', 'rejected']);
  });
});
