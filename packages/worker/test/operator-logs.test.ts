import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { requireService } from '@sluice/testkit';
import type { WorkerProcess } from '@sluice/worker';
import { startWorkerProcess } from '@sluice/worker';
import type { Answer, Method } from './rest-client';
import { restClient, until } from './rest-client';

// What an operator does shows in the log of a real sluice-worker process (its stdout): one INFO
// line per change naming the connector and the request, every answer at DEBUG once the worker
// logger is set to it, failed logins at WARN without the credential.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'operator-logs-'));
const PASSWORD = `pw-${randomUUID()}`;
const TOKEN = `token-${randomUUID()}`;
const id = randomUUID().slice(0, 8);
const source = `logged-${id}`;
const input = path.join(dir, 'in.txt');
let worker: WorkerProcess;
const basic = `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}`;
const call = restClient(() => worker.url, { authorization: basic });

type Line = Record<string, unknown> & { level: string; message: string };
const lines = (): Line[] =>
  worker
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Line);

beforeAll(async () => {
  fs.writeFileSync(input, 'a\nb\n');
  fs.writeFileSync(path.join(dir, 'users'), `admin: ${PASSWORD}\n`);
  fs.writeFileSync(path.join(dir, 'tokens'), `${TOKEN}\n`);
  worker = await startWorkerProcess({
    stateDir: path.join(dir, 'worker'),
    bootstrapServers: requireService('kafka'),
    connectors: {},
    settings: {
      logLevel: 'info',
      rest: { auth: { usersFile: path.join(dir, 'users'), tokensFile: path.join(dir, 'tokens') } },
    },
  });
}, 60_000);
afterAll(async () => {
  await worker?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Makes a change, and returns the INFO lines its request wrote (they follow the answer). */
async function change(method: Method, url: string, status: number, body?: unknown): Promise<Line[]> {
  const answer: Answer = await call(method, url, body);
  expect(`${answer.statusCode} ${answer.text}`).toMatch(new RegExp(`^${status} `));
  const requestId = answer.headers.get('x-request-id');
  expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
  const ofRequest = () => lines().filter((line) => line.requestId === requestId && line.level === 'info');
  await until(async () => ofRequest().length > 0, 5_000);
  await new Promise((resolve) => setTimeout(resolve, 50)); // a duplicate would be written by now
  return ofRequest();
}

describe('operator logs (sluice-worker bin)', () => {
  it('writes one INFO line per change, naming the connector and the request', async () => {
    const config = {
      'connector.class': 'FileStreamSource',
      file: input,
      topic: `logs-${id}`,
      'value.converter': 'string',
    };
    const n = encodeURIComponent(source);
    const changes: [Method, string, number, string, unknown?][] = [
      ['POST', '/connectors', 201, 'connector created', { name: source, config }],
      ['PUT', `/connectors/${n}/config`, 200, 'connector updated', { ...config, 'tasks.max': '1' }],
      ['PUT', `/connectors/${n}/pause`, 202, 'connector paused'],
      ['PUT', `/connectors/${n}/resume`, 202, 'connector resumed'],
      ['POST', `/connectors/${n}/restart?includeTasks=true`, 202, 'connector restarted'],
      ['POST', `/connectors/${n}/tasks/0/restart`, 204, 'task restarted'],
      ['PUT', `/connectors/${n}/stop`, 204, 'connector stopped'],
      [
        'PATCH',
        `/connectors/${n}/offsets`,
        200,
        'connector offsets altered',
        { offsets: [{ partition: { filename: input }, offset: { position: 2 } }] },
      ],
      ['DELETE', `/connectors/${n}/offsets`, 200, 'connector offsets reset'],
      ['DELETE', `/connectors/${n}`, 204, 'connector deleted'],
      ['PUT', `/connectors/${n}-put/config`, 201, 'connector created', config],
    ];
    for (const [method, url, status, message, body] of changes) {
      const logged = await change(method, url, status, body);
      expect(logged).toEqual([
        expect.objectContaining({
          message,
          connector: url.includes('-put/') ? `${source}-put` : source,
          method,
          url,
          status,
          remote: '127.0.0.1',
          logger: 'worker',
        }),
      ]);
    }
    const altered = lines().find((line) => line.message === 'connector offsets altered');
    expect(altered).toMatchObject({ partitions: 1 });
    expect(lines().find((line) => line.message === 'task restarted')).toMatchObject({ task: 0 });
    // no config value reaches the log through a change line
    expect(
      lines().filter((line) => line.message.startsWith('connector') && JSON.stringify(line).includes(input)),
    ).toEqual([]);
  }, 60_000);

  it('writes no change line for a change that was refused', async () => {
    const before = lines().length;
    expect((await call('PUT', `/connectors/nope-${id}/pause`)).statusCode).toBe(404);
    expect(
      (await call('POST', '/connectors', { name: source, config: { 'connector.class': 'Nope' } })).statusCode,
    ).toBe(400);
    await call('GET', '/connectors'); // a request after them, so their lines would be out by its answer
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(
      lines()
        .slice(before)
        .filter((line) => line.level === 'info'),
    ).toEqual([]);
  });

  it('logs every answer at DEBUG once the worker logger is set to it (level in any case)', async () => {
    const requests = () => lines().filter((line) => line.message === 'request answered');
    await call('GET', '/connectors');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(requests()).toEqual([]); // the worker logger is at INFO
    const set = await change('PUT', '/admin/loggers/worker', 200, { level: 'debug' });
    expect(set).toEqual([expect.objectContaining({ message: 'logger level set', target: 'worker', to: 'DEBUG' })]);
    const answer = await call('GET', `/connectors/nope-${id}`);
    await until(async () => requests().some((line) => line.requestId === answer.headers.get('x-request-id')), 5_000);
    expect(requests().find((line) => line.requestId === answer.headers.get('x-request-id'))).toMatchObject({
      level: 'debug',
      method: 'GET',
      url: `/connectors/nope-${id}`,
      status: 404,
      ms: expect.any(Number),
    });
  });

  it('logs failed authentication at WARN, never the credential', async () => {
    const attempts: [string, Record<string, string>, Record<string, unknown>][] = [
      ['no credentials', {}, {}],
      [
        'wrong password',
        { authorization: `Basic ${Buffer.from('admin:wrong-pw').toString('base64')}` },
        { user: 'admin', scheme: 'basic' },
      ],
      // a password typed into the user field: the name is not a user's, so it is not logged
      [
        'unknown user',
        { authorization: `Basic ${Buffer.from(`${PASSWORD}:x`).toString('base64')}` },
        { scheme: 'basic' },
      ],
      ['wrong token', { authorization: `Bearer ${TOKEN}x` }, { scheme: 'bearer' }],
      ['other scheme', { authorization: `Digest ${TOKEN}` }, {}],
    ];
    for (const [what, headers, fields] of attempts) {
      const answer = await restClient(() => worker.url, headers)('GET', '/connectors');
      expect(answer.statusCode).toBe(401);
      const requestId = answer.headers.get('x-request-id');
      const warning = () => lines().find((line) => line.requestId === requestId && line.level === 'warn');
      await until(async () => warning() !== undefined, 5_000);
      expect({ what, line: warning() }).toEqual({
        what,
        line: expect.objectContaining({
          message: 'authentication failed',
          url: '/connectors',
          remote: '127.0.0.1',
          ...fields,
        }),
      });
      if (!('user' in fields)) expect(warning()).not.toHaveProperty('user');
    }
    const output = worker.output();
    for (const secret of [
      PASSWORD,
      TOKEN,
      basic.split(' ')[1] ?? '',
      Buffer.from('admin:wrong-pw').toString('base64'),
      'wrong-pw',
    ])
      expect(output).not.toContain(secret);
    // a client's own request id is kept when it is a plain token, and replaced when it is not
    const mine = await call('GET', '/', undefined);
    expect(mine.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const chosen = await restClient(() => worker.url, { authorization: basic, 'x-request-id': 'op-42' })('GET', '/');
    expect(chosen.headers.get('x-request-id')).toBe('op-42');
    const injected = await restClient(() => worker.url, { authorization: basic, 'x-request-id': 'a b"c' })('GET', '/');
    expect(injected.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
