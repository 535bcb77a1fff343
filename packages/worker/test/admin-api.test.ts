import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { LogLevels, createLogger, sdkLogger } from '@sluice/worker';
import type { Answer, Method } from './rest-client';
import { until } from './rest-client';
import { repo, testWorker } from './test-worker';

// /admin/loggers changing winston levels at run time, and /openapi.json: every endpoint of the
// worker issue documented and served, and real answers valid against the documented schemas.
const levels = new LogLevels('info');
const stream = new PassThrough();
const logged: Record<string, unknown>[] = [];
stream.on('data', (chunk: Buffer) =>
  logged.push(
    ...chunk
      .toString()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>),
  ),
);
const log = createLogger(levels, stream);
const { dir, app, call } = testWorker({
  name: 'admin',
  version: '0.1.0',
  logLevels: levels,
  log: (connector, task) => sdkLogger(log.child(task === undefined ? { connector } : { connector, task })),
});
const id = randomUUID().slice(0, 8);
const name = `shop.sink-${id}`;

/** Writes one line per level through the connector's logger and the worker's; returns what came out. */
async function probe(): Promise<string[]> {
  logged.length = 0;
  const marker = randomUUID();
  for (const level of ['debug', 'info', 'warn'] as const) {
    log.child({ connector: name })[level](marker);
    log[level](marker);
  }
  await new Promise((resolve) => setImmediate(resolve));
  return logged
    .filter((line) => line.message === marker)
    .map((line) => `${typeof line.connector === 'string' ? 'connector' : 'worker'}:${String(line.level)}`);
}

describe('/admin/loggers (real broker)', () => {
  beforeAll(async () => {
    const created = await call('POST', '/connectors', {
      name,
      config: {
        'connector.class': 'FileStreamSink',
        topics: `admin-${id}`,
        file: path.join(dir, 'out.txt'),
        'value.converter': 'string',
      },
    });
    expect(created.statusCode).toBe(201);
  });

  it('lists root, the worker and every connector', async () => {
    expect((await call('GET', '/admin/loggers')).json()).toEqual({
      root: { level: 'INFO', last_modified: null },
      worker: { level: 'INFO', last_modified: null },
      [name]: { level: 'INFO', last_modified: null },
    });
    expect(await probe()).toEqual(['connector:info', 'worker:info', 'connector:warn', 'worker:warn']);
  });

  it('changes a namespace of connectors at run time, and root for all', async () => {
    const changed = await call('PUT', '/admin/loggers/shop', { level: 'debug' });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toEqual(['shop', name]);
    expect((await call('GET', `/admin/loggers/${name}`)).json()).toEqual({ level: 'DEBUG', last_modified: null });
    expect((await call('GET', '/admin/loggers/shop')).json()).toEqual({
      level: 'DEBUG',
      last_modified: expect.any(Number),
    });
    expect(await probe()).toEqual([
      'connector:debug',
      'connector:info',
      'worker:info',
      'connector:warn',
      'worker:warn',
    ]);

    const root = await call('PUT', '/admin/loggers/ROOT', { level: 'WARN' });
    expect(root.json()).toEqual(['root', 'shop', name, 'worker']);
    expect(await probe()).toEqual(['connector:warn', 'worker:warn']);
    expect((await call('PUT', '/admin/loggers/root?scope=cluster', { level: 'INFO' })).statusCode).toBe(204);
    expect(await probe()).toEqual(['connector:info', 'worker:info', 'connector:warn', 'worker:warn']);
  });

  it('answers bad requests as Connect', async () => {
    const expectError = (answer: Answer, status: number, message: string) => {
      expect(answer.statusCode).toBe(status);
      expect(answer.json()).toEqual({ error_code: status, message });
    };
    expectError(
      await call('PUT', '/admin/loggers/root', {}),
      400,
      "Desired 'level' parameter was not specified in request.",
    );
    expectError(await call('PUT', '/admin/loggers/root', { level: 'LOUD' }), 404, "invalid log level 'LOUD'.");
    expectError(await call('GET', '/admin/loggers/nope'), 404, 'Logger nope not found.');
    expect((await call('GET', '/admin/loggers/root')).json().level).toBe('INFO'); // unchanged
  });
});

/** Every endpoint the worker issue lists, as [method, OpenAPI path]. */
const ISSUE_ENDPOINTS: [Method, string][] = [
  ['GET', '/'],
  ['GET', '/connectors'],
  ['POST', '/connectors'],
  ['GET', '/connectors/{name}'],
  ['GET', '/connectors/{name}/config'],
  ['PUT', '/connectors/{name}/config'],
  ['PATCH', '/connectors/{name}/config'],
  ['GET', '/connectors/{name}/status'],
  ['GET', '/connectors/{name}/tasks'],
  ['GET', '/connectors/{name}/tasks/{id}/status'],
  ['PUT', '/connectors/{name}/pause'],
  ['PUT', '/connectors/{name}/resume'],
  ['PUT', '/connectors/{name}/stop'],
  ['POST', '/connectors/{name}/restart'],
  ['POST', '/connectors/{name}/tasks/{id}/restart'],
  ['DELETE', '/connectors/{name}'],
  ['GET', '/connectors/{name}/topics'],
  ['PUT', '/connectors/{name}/topics/reset'],
  ['GET', '/connectors/{name}/offsets'],
  ['PATCH', '/connectors/{name}/offsets'],
  ['DELETE', '/connectors/{name}/offsets'],
  ['GET', '/connector-plugins'],
  ['GET', '/connector-plugins/{type}/config'],
  ['PUT', '/connector-plugins/{type}/config/validate'],
  ['GET', '/sluice/plugins'],
  ['POST', '/sluice/plugins/reload'],
  ['GET', '/admin/loggers'],
  ['GET', '/admin/loggers/{name}'],
  ['PUT', '/admin/loggers/{name}'],
  ['GET', '/openapi.json'],
  ['GET', '/metrics'],
  ['GET', '/health'],
  ['GET', '/ready'],
  ['GET', '/sluice/cluster'],
];

// JSON Schema validation with the SDK's own ajv (8; the repository root holds an older one)
const Ajv = (createRequire(path.join(repo, 'packages', 'sdk', 'package.json'))('ajv') as { default: AjvClass }).default;
type AjvClass = new (options: object) => {
  validate(schema: object, data: unknown): boolean;
  errorsText(): string;
};

type Operation = { responses: Record<string, { content?: { 'application/json': { schema: object } } }> };

describe('/openapi.json', () => {
  let doc: { openapi: string; paths: Record<string, Record<string, Operation>> };
  beforeAll(async () => {
    doc = (await call('GET', '/openapi.json')).json();
  });

  it('documents every endpoint of the issue and only routes the server has', () => {
    expect(doc.openapi).toBe('3.1.0');
    const documented = Object.entries(doc.paths).flatMap(([url, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${url}`),
    );
    expect(documented.sort()).toEqual(ISSUE_ENDPOINTS.map(([method, url]) => `${method} ${url}`).sort());
    expect(Object.keys(doc.paths['/metrics']?.get?.responses['200']?.content ?? {})).toEqual(['text/plain']);
    for (const [method, url] of ISSUE_ENDPOINTS) {
      expect(app.hasRoute({ method, url: url.replace(/\{(\w+)\}/g, ':$1') })).toBe(true);
    }
  });

  it('describes what the server answers, successes and errors', async () => {
    const ajv = new Ajv({ strict: false, allowUnionTypes: true });
    const check = (method: Method, url: string, answer: Answer) => {
      const operation = doc.paths[url]?.[method.toLowerCase()];
      // a success or a 4xx must be documented by its own status; only 5xx fall to `default`
      const status = answer.statusCode < 500 ? String(answer.statusCode) : 'default';
      const documented = operation?.responses[status];
      expect([`${method} ${url}`, answer.statusCode, documented !== undefined]).toEqual([
        `${method} ${url}`,
        answer.statusCode,
        true,
      ]);
      const schema = documented?.content?.['application/json'].schema;
      if (!schema) return expect(answer.text).toBe('');
      const valid = ajv.validate(schema, answer.json());
      if (!valid) throw new Error(`${method} ${url} ${answer.statusCode}: ${ajv.errorsText()}\n${answer.text}`);
    };
    const n = encodeURIComponent(name);
    const samples: [Method, string, string, unknown?][] = [
      ['GET', '/', '/'],
      ['GET', '/connectors', '/connectors'],
      ['GET', '/connectors', '/connectors?expand=status&expand=info'],
      ['GET', '/connectors/{name}', `/connectors/${n}`],
      ['GET', '/connectors/{name}', '/connectors/nope'],
      ['GET', '/connectors/{name}/config', `/connectors/${n}/config`],
      ['GET', '/connectors/{name}/status', `/connectors/${n}/status`],
      ['GET', '/connectors/{name}/tasks', `/connectors/${n}/tasks`],
      ['GET', '/connectors/{name}/tasks/{id}/status', `/connectors/${n}/tasks/0/status`],
      ['GET', '/connectors/{name}/topics', `/connectors/${n}/topics`],
      ['GET', '/connectors/{name}/offsets', `/connectors/${n}/offsets`],
      ['POST', '/connectors/{name}/restart', `/connectors/${n}/restart?includeTasks=true`],
      ['GET', '/connector-plugins', '/connector-plugins?connectorsOnly=false'],
      ['GET', '/connector-plugins/{type}/config', '/connector-plugins/FileStreamSink/config'],
      [
        'PUT',
        '/connector-plugins/{type}/config/validate',
        '/connector-plugins/FileStreamSink/config/validate',
        { topics: 't' },
      ],
      ['GET', '/sluice/plugins', '/sluice/plugins'],
      ['POST', '/sluice/plugins/reload', '/sluice/plugins/reload'],
      ['GET', '/admin/loggers', '/admin/loggers'],
      ['GET', '/admin/loggers/{name}', '/admin/loggers/root'],
      ['PUT', '/admin/loggers/{name}', '/admin/loggers/root', { level: 'INFO' }],
      ['POST', '/connectors', '/connectors', { name: 'x', config: { 'connector.class': 'Nope' } }],
      ['POST', '/connectors', '/connectors', { name, config: (await call('GET', `/connectors/${n}/config`)).json() }],
      ['PUT', '/connectors/{name}/config', `/connectors/${n}/config`, '{"broken'],
      ['PUT', '/admin/loggers/{name}', '/admin/loggers/root', { level: 'LOUD' }],
      ['GET', '/admin/loggers/{name}', '/admin/loggers/nope'],
      ['GET', '/connector-plugins/{type}/config', '/connector-plugins/Nope/config'],
      ['PUT', '/connectors/{name}/pause', '/connectors/nope/pause'],
      ['GET', '/connector-plugins', '/connector-plugins?connectorsOnly=maybe'],
      ['PUT', '/connectors/{name}/stop', `/connectors/${n}/stop`],
      ['PATCH', '/connectors/{name}/offsets', `/connectors/${n}/offsets`, { offsets: [] }],
      ['DELETE', '/connectors/{name}/offsets', `/connectors/${n}/offsets`],
      ['GET', '/health', '/health'],
      ['GET', '/ready', '/ready'],
    ];
    const seen = new Set<number>();
    for (const [method, documented, url, body] of samples) {
      const answer = await call(method, url, body);
      seen.add(answer.statusCode);
      check(method, documented, answer);
    }
    expect([...seen].sort()).toEqual([200, 202, 204, 400, 404, 409]);
    await until(async () => (await call('GET', `/connectors/${n}/status`)).json().connector.state === 'STOPPED');
  });
});
