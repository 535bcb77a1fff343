import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FileOffsetStore } from '@sluice/runtime';

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
