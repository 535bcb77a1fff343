import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { requireService } from '@sluice/testkit';
import { testWorker } from './test-worker';
import { until } from './rest-client';

// The Connect-compatible REST API, driven with real HTTP requests against a runtime on the real
// broker, success and error cases.
const {
  dir,
  call,
  base: baseUrl,
} = testWorker({ name: 'rest', workerId: '127.0.0.1:8083', version: '0.1.0', bodyLimit: 4096 });

const id = randomUUID().slice(0, 8);
const name = `sink-${id}`;
const sinkConfig = {
  'connector.class': 'FileStreamSink',
  topics: `rest-${id}`,
  file: path.join(dir, 'out.txt'),
  'value.converter': 'string',
};

describe('REST API (real broker)', () => {
  it('answers the root and health', async () => {
    expect((await call('GET', '/')).json()).toMatchObject({ version: '0.1.0' });
    expect((await call('GET', '/health')).json()).toMatchObject({ status: 'healthy' });
  });

  it('creates, reads, lists and updates a connector', async () => {
    const created = await call('POST', '/connectors', { name, config: sinkConfig });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toEqual({
      name,
      config: { ...sinkConfig, name },
      tasks: [{ connector: name, task: 0 }],
      type: 'sink',
    });
    expect((await call('GET', '/connectors')).json()).toEqual([name]);
    expect((await call('GET', `/connectors/${name}/config`)).json()).toEqual({ ...sinkConfig, name });
    // the answer means "stored"; the task comes up behind it
    await until(async () => (await call('GET', `/connectors/${name}/status`)).json().tasks[0]?.state === 'RUNNING');
    expect((await call('GET', `/connectors/${name}/status`)).json()).toEqual({
      name,
      connector: { state: 'RUNNING', worker_id: '127.0.0.1:8083', version: '0.1.0' },
      tasks: [{ id: 0, state: 'RUNNING', worker_id: '127.0.0.1:8083', version: '0.1.0' }],
      type: 'sink',
    });
    expect((await call('GET', `/connectors/${name}/tasks/0/status`)).json()).toEqual({
      id: 0,
      state: 'RUNNING',
      worker_id: '127.0.0.1:8083',
      version: '0.1.0',
    });
    const expanded = (await call('GET', '/connectors?expand=status&expand=info')).json();
    expect(Object.keys(expanded[name])).toEqual(['status', 'info']);
    const updated = await call('PUT', `/connectors/${name}/config`, { ...sinkConfig, 'tasks.max': '1' });
    expect(updated.statusCode).toBe(200);
    expect(updated.json().config['tasks.max']).toBe('1');
  });

  it('patches a config (KIP-477) and keeps a key no one declares, warning of it in validate', async () => {
    const put = await call('PUT', `/connectors/${name}/config`, { ...sinkConfig, 'team.owner': 'ops' });
    expect(put.statusCode).toBe(200);
    const patched = await call('PATCH', `/connectors/${name}/config`, { 'team.owner': null, 'tasks.max': '2' });
    expect(patched.statusCode).toBe(200);
    expect(patched.json().config).toEqual({ ...sinkConfig, name, 'tasks.max': '2' });
    expect((await call('GET', `/connectors/${name}/config`)).json()).toEqual({ ...sinkConfig, name, 'tasks.max': '2' });
    const bad = await call('PATCH', `/connectors/${name}/config`, { 'tasks.max': '0' });
    expect(bad.json().message).toMatch(/Invalid value 0 for configuration tasks.max: Value must be at least 1/);
    expect((await call('GET', `/connectors/${name}/config`)).json()['tasks.max']).toBe('2'); // unchanged
    expect((await call('PATCH', '/connectors/nope/config', { 'tasks.max': '1' })).json()).toEqual({
      error_code: 404,
      message: 'Connector nope not found',
    });
    const validation = (
      await call('PUT', '/connector-plugins/FileStreamSink/config/validate', {
        ...sinkConfig,
        name,
        'batch.sise': '5',
      })
    ).json();
    expect(validation.error_count).toBe(0);
    expect(validation.warnings).toEqual(['batch.sise: Unknown configuration "batch.sise".']);
    await call('PUT', `/connectors/${name}/config`, sinkConfig);
  });

  it('publishes task metrics for Prometheus', async () => {
    const response = await fetch(`${baseUrl()}/metrics`);
    if (!response.headers.get('content-type')?.startsWith('text/plain')) console.log(await response.clone().text());
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).toMatch(new RegExp(`sluice_task_records_in_total\\{connector="${name}",task="0",type="sink"\\} \\d+`));
    expect(text).toContain('sluice_worker_process_resident_memory_bytes');
    expect((await call('GET', '/ready')).json()).toEqual({ status: 'ready', connectors: 1 });
  });

  it('pauses, resumes, stops and restarts', async () => {
    const taskState = async () => (await call('GET', `/connectors/${name}/status`)).json().tasks[0]?.state;
    expect((await call('PUT', `/connectors/${name}/pause`)).statusCode).toBe(202);
    expect((await call('GET', `/connectors/${name}/status`)).json().connector.state).toBe('PAUSED');
    await until(
      async () => (await taskState()) === 'PAUSED',
      30_000,
      async () => (await call('GET', `/connectors/${name}/status`)).text,
    );
    expect((await call('PUT', `/connectors/${name}/resume`)).statusCode).toBe(202);
    expect((await call('GET', `/connectors/${name}/status`)).json().connector.state).toBe('RUNNING');
    await until(async () => (await taskState()) === 'RUNNING');
    const onlyFailed = await call('POST', `/connectors/${name}/restart?includeTasks=TRUE&onlyFailed=true`);
    expect(onlyFailed.statusCode).toBe(202); // nothing failed: nothing chosen, states unchanged
    expect(onlyFailed.json()).toMatchObject({ connector: { state: 'RUNNING' }, tasks: [{ state: 'RUNNING' }] });
    expect((await call('POST', `/connectors/${name}/restart?includeTasks=yes`)).statusCode).toBe(204);
    const restarted = await call('POST', `/connectors/${name}/restart?includeTasks=true`);
    expect(restarted.statusCode).toBe(202);
    expect(restarted.json()).toMatchObject({
      connector: { state: 'RESTARTING' },
      tasks: [{ id: 0, state: 'RESTARTING' }],
    });
    await until(async () => (await call('GET', `/connectors/${name}/status`)).json().tasks[0]?.state === 'RUNNING');
    expect((await call('POST', `/connectors/${name}/tasks/0/restart`)).statusCode).toBe(204);
    expect((await call('PUT', `/connectors/${name}/stop`)).statusCode).toBe(204);
    expect((await call('GET', `/connectors/${name}/status`)).json()).toMatchObject({
      connector: { state: 'STOPPED' },
      tasks: [],
    });
  });

  it('lists transforms, predicates and converters with connectorsOnly=false', async () => {
    const all = (await call('GET', '/connector-plugins?connectorsOnly=false')).json() as {
      class: string;
      type: string;
    }[];
    expect(all).toEqual(
      expect.arrayContaining([
        { class: 'org.apache.kafka.connect.transforms.Cast$Value', type: 'transformation' },
        { class: 'org.apache.kafka.connect.transforms.predicates.TopicNameMatches', type: 'predicate' },
        { class: 'org.apache.kafka.connect.json.JsonConverter', type: 'converter' },
      ]),
    );
    expect(
      ((await call('GET', '/connector-plugins')).json() as { type: string }[]).every(
        (p) => p.type === 'sink' || p.type === 'source',
      ),
    ).toBe(true);
  });

  it('creates a connector in the initial_state asked for, with a Location header', async () => {
    const paused = `paused-${id}`;
    const response = await fetch(`${baseUrl()}/connectors`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: paused,
        config: { ...sinkConfig, file: path.join(dir, 'paused.txt') },
        initial_state: 'STOPPED',
      }),
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('location')).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/connectors/${paused}$`));
    expect((await call('GET', `/connectors/${paused}/status`)).json()).toMatchObject({
      connector: { state: 'STOPPED' },
      tasks: [],
    });
    const bad = await call('POST', '/connectors', { name: `x-${id}`, config: sinkConfig, initial_state: 'SLEEPING' });
    expect(bad.statusCode).toBe(400);
    expect((await call('DELETE', `/connectors/${paused}`)).statusCode).toBe(204);
  });

  it('lists plugins and validates configs field by field', async () => {
    const plugins = (await call('GET', '/connector-plugins')).json();
    expect(plugins).toEqual(
      expect.arrayContaining([{ class: '@sluice/file-sink', alias: 'FileStreamSink', type: 'sink', version: '0.1.0' }]),
    );
    const validation = (
      await call('PUT', '/connector-plugins/FileStreamSink/config/validate', {
        'connector.class': 'FileStreamSink',
        topics: 't',
      })
    ).json();
    expect(validation.name).toBe('FileStreamSink'); // the connector.class given, as Connect
    expect(validation.error_count).toBe(2); // file and name missing
    const find = (key: string) => validation.configs.find((c: { value: { name: string } }) => c.value.name === key);
    // Connect's framework keys, with their definitions and values
    expect(find('tasks.max')).toMatchObject({
      definition: { type: 'INT', default_value: '1', importance: 'HIGH', group: 'Common', display_name: 'Tasks max' },
      value: { value: '1', errors: [] },
    });
    expect(find('name').value.errors).toEqual(['Missing required configuration "name" which has no default value.']);
    expect(validation.groups).toEqual(['Common', 'Transforms', 'Predicates', 'Error Handling']);
    const file = find('file');
    expect(file.value.errors).toEqual(['Missing required configuration "file" which has no default value.']);
    expect(file.definition).toMatchObject({ name: 'file', type: 'STRING', required: true, importance: 'HIGH' });
  });

  it('answers bad requests with Connect status codes and messages, changing nothing', async () => {
    const expectError = async (response: Awaited<ReturnType<typeof call>>, status: number, message: RegExp) => {
      expect(response.statusCode).toBe(status);
      expect(response.json()).toEqual({ error_code: status, message: expect.stringMatching(message) });
    };
    await expectError(await call('GET', '/connectors/nope'), 404, /^Connector nope not found$/);
    await expectError(
      await call('POST', '/connectors', { name, config: sinkConfig }),
      409,
      /^Connector .* already exists$/,
    );
    await expectError(
      await call('POST', '/connectors', { name: 'bad', config: { 'connector.class': 'Nope' } }),
      400,
      /^Failed to find any class that implements Connector and which name matches Nope, available connectors are: /,
    );
    await expectError(
      await call('POST', '/connectors', { name: 'bad', config: { 'connector.class': 'FileStreamSink', topics: 't' } }),
      400,
      /\nMissing required configuration "file" which has no default value\.\n/,
    );
    await expectError(
      await call('POST', '/connectors', { config: sinkConfig }),
      400,
      /configuration name: String may not be empty/,
    );
    const invalid = await call('PUT', '/connectors/bad/config', {
      'connector.class': 'FileStreamSink',
      'tasks.max': '0',
    });
    expect(invalid.json().message.split('\n')).toEqual([
      // every problem at once, in Connect's words (each names its key); one shared by two keys once
      'Connector configuration is invalid and contains the following 3 error(s):',
      'Invalid value 0 for configuration tasks.max: Value must be at least 1',
      'Missing required configuration "file" which has no default value.',
      'Must configure one of topics or topics.regex',
      'You can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`',
    ]);
    await expectError(
      await call('PUT', `/connectors/${name}/config`, { ...sinkConfig, name: 'other' }),
      400,
      /doesn't match connector name in the URL/,
    );
    const malformed = await call('POST', '/connectors', '{"name": ');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toEqual({
      error_code: 400,
      message: expect.stringMatching(/^Request body is not valid JSON: .*JSON/),
    });
    const notJson = await fetch(`${baseUrl()}/connectors`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'name=x',
    });
    expect(notJson.status).toBe(415);
    expect(await notJson.json()).toEqual({ error_code: 415, message: 'HTTP 415 Unsupported Media Type' });
    const huge = await call('POST', '/connectors', {
      name: 'big',
      config: { ...sinkConfig, padding: 'x'.repeat(10_000) },
    });
    expect(huge.statusCode).toBe(413);
    await expectError(await call('GET', '/connector-plugins/Nope/config'), 404, /Nope/);
    await expectError(
      await call('PUT', '/connector-plugins/FileStreamSink/config/validate', { 'connector.class': 'FileStreamSource' }),
      400,
      /^Included connector type FileStreamSource does not match request type FileStreamSink$/,
    );
    await expectError(
      await call('PUT', '/connector-plugins/FileStreamSink/config/validate', { name: 'v', 'db.password': 's3cret' }),
      400,
      /^Connector config \{name=v, db.password=.*\} contains no connector type$/,
    );
    expect((await call('GET', '/connectors')).json()).toEqual([name]); // nothing created or changed
  });

  it('answers 404 with Connect wording on every endpoint for an unknown connector or task', async () => {
    const cases: [Parameters<typeof call>[0], string, string][] = [
      ['GET', '/connectors/nope', 'Connector nope not found'],
      ['GET', '/connectors/nope/config', 'Connector nope not found'],
      ['GET', '/connectors/nope/status', 'No status found for connector nope'],
      ['GET', '/connectors/nope/tasks', 'Connector nope not found'],
      ['GET', '/connectors/nope/tasks/0/status', 'No status found for task nope-0'],
      ['GET', `/connectors/${name}/tasks/7/status`, `No status found for task ${name}-7`],
      ['PUT', '/connectors/nope/pause', 'Unknown connector nope'],
      ['PUT', '/connectors/nope/resume', 'Unknown connector nope'],
      ['PUT', '/connectors/nope/stop', 'Unknown connector nope'],
      ['POST', '/connectors/nope/restart', 'Unknown connector: nope'],
      ['POST', '/connectors/nope/restart?includeTasks=true', 'Unknown connector: nope'],
      ['POST', '/connectors/nope/tasks/0/restart', 'Unknown connector: nope'],
      ['POST', `/connectors/${name}/tasks/7/restart`, `Unknown task: ${name}-7`],
      ['DELETE', '/connectors/nope', 'Connector nope not found'],
      ['GET', '/connector-plugins/Nope/config', 'Unknown plugin Nope.'],
      [
        'PUT',
        '/connector-plugins/Nope/config/validate',
        'Failed to find any class that implements Connector and which name matches Nope',
      ],
    ];
    for (const [method, url, message] of cases) {
      const answer = await call(method, url, method === 'PUT' && url.endsWith('validate') ? {} : undefined);
      expect([url, answer.statusCode, answer.json()]).toEqual([url, 404, { error_code: 404, message }]);
    }
    const wrongMethod = await call('GET', `/connectors/${name}/restart`);
    expect(wrongMethod.json()).toEqual({ error_code: 405, message: 'HTTP 405 Method Not Allowed' });
    expect((await call('GET', '/no/such/path')).json()).toEqual({ error_code: 404, message: 'HTTP 404 Not Found' });
  });

  it("lists each task's own config where the connector splits its work (MongoDB collection list)", async () => {
    const split = `split-${id}`;
    const config = {
      'connector.class': 'MongoDbSource',
      'connection.uri': requireService('mongodb'),
      database: `split_${id}`,
      collection: 'a,b,c',
      'tasks.max': '2',
      'topic.prefix': split,
    };
    expect((await call('POST', '/connectors', { name: split, config })).statusCode).toBe(201);
    const tasks = (await call('GET', `/connectors/${split}/tasks`)).json();
    const shown = { ...config, name: split, 'connection.uri': '[hidden]' }; // the URI may hold a password
    expect(tasks).toEqual([
      { id: { connector: split, task: 0 }, config: { ...shown, collection: 'a,c' } },
      { id: { connector: split, task: 1 }, config: { ...shown, collection: 'b' } },
    ]);
    expect((await call('DELETE', `/connectors/${split}`)).statusCode).toBe(204);
  });

  it('deletes a connector', async () => {
    expect((await call('DELETE', `/connectors/${name}`)).statusCode).toBe(204);
    expect((await call('GET', '/connectors')).json()).toEqual([]);
    expect((await call('DELETE', `/connectors/${name}`)).statusCode).toBe(404);
  });
});
