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

  it('says which file it could not read', async () => {
    const file = path.join(dir, 'broken.json');
    fs.writeFileSync(file, '{torn');
    await expect(new FileOffsetStore(file).get('c', {})).rejects.toThrow(`reading source offsets from ${file} failed`);
  });
});
