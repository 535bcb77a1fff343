import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { requireService, eventually as until } from '@sluice/testkit';

// The sluice-worker process in standalone mode on the real broker: connector files on the
// command line, state in its state directory, SIGTERM stops it gracefully, a restart resumes.
const repo = path.resolve(__dirname, '..', '..', '..');
const bin = path.join(repo, 'packages', 'worker', 'bin', 'sluice-worker.js');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'worker-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const write = (name: string, json: unknown) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify(json));
  return file;
};
const lines = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);

function startWorker(args: string[]): { child: ChildProcessWithoutNullStreams; output: () => string } {
  const child = spawn(process.execPath, [bin, ...args], { cwd: repo });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

describe('sluice-worker (standalone, real broker)', () => {
  it('runs connector files, stops gracefully on SIGTERM and resumes from its state', async () => {
    const id = randomUUID().slice(0, 8);
    const input = path.join(dir, `in-${id}.txt`);
    const output = path.join(dir, `out-${id}.txt`);
    fs.writeFileSync(input, Array.from({ length: 100 }, (_, i) => `line ${i}\n`).join(''));
    const port = 18000 + Math.floor(Math.random() * 1000);
    const worker = write(`worker-${id}.json`, {
      bootstrapServers: requireService('kafka'),
      stateDir: path.join(dir, `state-${id}`),
      offsetFlushIntervalMs: 200,
      rest: { port },
    });
    const topic = `worker-${id}`;
    const source = write(`source-${id}.json`, {
      name: `src-${id}`,
      config: {
        'connector.class': 'FileStreamSource',
        file: input,
        topic,
        'poll.interval.ms': 20,
        'value.converter': 'string',
        'topic.creation.default.partitions': 1,
        'topic.creation.default.replication.factor': 1,
      },
    });
    const sink = write(`sink-${id}.json`, {
      name: `sink-${id}`,
      'connector.class': '@sluice/file-sink',
      topics: topic,
      file: output,
      'key.converter': 'string',
      'value.converter': 'string',
    });

    const first = startWorker(['--config', worker, source, sink]);
    await until(() => lines(output).length === 100);
    const listed = await fetch(`http://127.0.0.1:${port}/connectors`);
    expect(await listed.json()).toEqual([`sink-${id}`, `src-${id}`].sort());
    first.child.kill('SIGTERM');
    const code = await new Promise((resolve) => first.child.once('exit', resolve));
    expect(code).toBe(0);
    const logLines = first
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(logLines.find((line) => line.message === 'worker started')).toMatchObject({
      level: 'info',
      mode: 'standalone',
    });
    expect(logLines.some((line) => line.connector === `src-${id}` || line.message === 'connector created')).toBe(true);
    expect(logLines.at(-1)).toMatchObject({ message: 'worker stopped' });

    fs.appendFileSync(input, Array.from({ length: 50 }, (_, i) => `line ${100 + i}\n`).join(''));
    const second = startWorker(['--config', worker]); // no connector files: they come from the state
    await until(() => lines(output).length === 150);
    second.child.kill('SIGTERM');
    expect(await new Promise((resolve) => second.child.once('exit', resolve))).toBe(0);
    expect(lines(output)).toEqual(Array.from({ length: 150 }, (_, i) => `line ${i}`));
  }, 90_000);

  it('refuses bad settings and bad connector files with a message naming them', () => {
    const badWorker = write('bad-worker.json', { bootstrapServers: requireService('kafka'), restPort: 1 });
    const run = (args: string[]) =>
      spawnSync(process.execPath, [bin, ...args], { cwd: repo, encoding: 'utf8', timeout: 30_000 });
    const unknownKey = run(['--config', badWorker]);
    expect(unknownKey.status).toBe(2);
    expect(unknownKey.stderr).toMatch(/invalid configuration: .*restPort/);

    const worker = write('ok-worker.json', {
      bootstrapServers: requireService('kafka'),
      stateDir: path.join(dir, 'bad-state'),
    });
    const badConnector = write('bad-connector.json', {
      name: 'x',
      config: { 'connector.class': 'FileStreamSink', topics: 't' },
    });
    const missingFile = run(['--config', worker, badConnector]);
    expect(missingFile.status).toBe(1);
    expect(missingFile.stdout).toMatch(
      /"error":"file: Missing required configuration \\"file\\"[^\n]*"message":"worker failed to start"/,
    );
  }, 60_000);
});
