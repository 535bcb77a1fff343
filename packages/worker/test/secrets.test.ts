import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Secret, Type, defineSink } from '@sluice/sdk';
import { ConnectorCatalog, KafkaProducer, kafkaClientSettings } from '@sluice/runtime';
import { recordingLogger, requireService } from '@sluice/testkit';
import type { LogLine } from '@sluice/testkit';
import { testWorker } from './test-worker';

// A secret must not leave the worker in clear: not in REST answers, not in a failed task's
// trace, not in logs, not in the stored config when it came through a config provider.
const PASSWORD = `pw-${randomUUID()}`;
const LeakySink = defineSink({
  name: 'LeakySink',
  version: '0.0.1',
  description: 'Tells its password to anyone, on purpose.',
  config: Type.Object({ user: Type.String({ description: 'User.' }), password: Secret({ description: 'Password.' }) }),
  async createTask(config, ctx) {
    ctx.log.info(`connecting as ${config.user} with ${config.password}`, { password: config.password });
    return {
      async put(records) {
        if (records.length > 0) throw new Error(`authentication failed for ${config.user}:${config.password}`);
      },
      async flush() {},
      async close() {},
    };
  },
});

const logs: LogLine[] = [];
const { dir, base, herder } = testWorker({
  name: 'secrets',
  catalog: new ConnectorCatalog([{ packageName: 'leaky-sink', connector: LeakySink }]),
  log: () => recordingLogger(logs),
});
const get = async (url: string) => (await fetch(`${base()}${url}`)).text();

describe('secret redaction', () => {
  it('keeps a secret out of REST answers, traces, logs and the stored config', async () => {
    const secrets = path.join(dir, 'secrets.properties');
    fs.writeFileSync(secrets, `# credentials\ndb.password=${PASSWORD}\n`);
    const topic = `secrets-${randomUUID()}`;
    const producer = new KafkaProducer(kafkaClientSettings(requireService('kafka'), 'secrets-producer'));
    await producer.connect();
    await producer.send([{ topic, key: null, value: Buffer.from('"x"') }]);
    await producer.disconnect();

    const config = {
      'connector.class': 'LeakySink',
      topics: topic,
      'value.converter': 'string',
      user: 'app',
      password: `\${file:${secrets}:db.password}`,
    };
    const created = await fetch(`${base()}/connectors`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'leaky', config }),
    });
    expect(created.status).toBe(201);
    const deadline = Date.now() + 30_000;
    while (herder.connectorStatus('leaky').tasks[0]?.state !== 'FAILED' && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));

    const answers = [
      await created.text(),
      await get('/connectors/leaky'),
      await get('/connectors/leaky/config'),
      await get('/connectors/leaky/status'),
      await get('/connectors/leaky/tasks'),
      await get('/connectors/leaky/tasks/0/status'),
      await get('/connectors?expand=info&expand=status'),
      await get('/connectors/leaky/offsets'),
    ];
    // the 202 of a restart shows the failed task's trace too
    const restarted = await fetch(`${base()}/connectors/leaky/restart?includeTasks=true&onlyFailed=true`, {
      method: 'POST',
    });
    expect(restarted.status).toBe(202);
    answers.push(await restarted.text());
    expect(JSON.parse(answers.at(-1) as string).tasks[0]).toMatchObject({
      state: 'RESTARTING',
      trace: expect.stringContaining('authentication failed for app:[hidden]'),
    });
    // an update answers with the config too, and a rejected one with its errors
    const updated = await fetch(`${base()}/connectors/leaky/config`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...config, password: PASSWORD, 'tasks.max': 'many' }),
    });
    expect(updated.status).toBe(400);
    answers.push(await updated.text());
    const validation = await fetch(`${base()}/connector-plugins/LeakySink/config/validate`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...config, password: PASSWORD }),
    });
    answers.push(await validation.text());
    for (const answer of answers) expect(answer).not.toContain(PASSWORD);
    expect(JSON.parse(answers[2] as string).password).toBe('[hidden]');
    expect(JSON.parse(answers[4] as string)[0].config.password).toBe('[hidden]');
    const status = JSON.parse(answers[3] as string);
    expect(status.tasks[0].trace).toContain('authentication failed for app:[hidden]');
    expect(JSON.parse(answers[5] as string).trace).toContain('authentication failed for app:[hidden]');
    expect(JSON.stringify(logs)).not.toContain(PASSWORD);
    expect(logs.some((line) => line.message === 'connecting as app with [hidden]')).toBe(true);
    const stored = fs.readFileSync(path.join(dir, 'connectors.json'), 'utf8');
    expect(stored).not.toContain(PASSWORD);
    expect(stored).toContain('${file:');
  }, 60_000);

  it('refuses an unresolvable provider reference, naming the key', async () => {
    const response = await fetch(`${base()}/connectors`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'nope',
        config: { 'connector.class': 'LeakySink', topics: 't', user: 'u', password: '${env:SLUICE_TEST_UNSET_VAR}' },
      }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toMatch(
      /password: \$\{env:SLUICE_TEST_UNSET_VAR\}: the environment variable SLUICE_TEST_UNSET_VAR is not set/,
    );
  });
});
