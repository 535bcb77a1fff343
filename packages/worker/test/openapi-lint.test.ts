import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { requireService } from '@sluice/testkit';
import type { WorkerProcess } from '@sluice/worker';
import { startWorkerProcess } from '@sluice/worker';

// The /openapi.json of real sluice-worker processes, with and without authentication, passes
// Redocly's linter (the @redocly/cli dev dependency) on its recommended rules with no error and
// no warning. A spoilt copy shows the linter fires.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openapi-lint-'));
const cli = path.join(path.dirname(require.resolve('@redocly/cli/package.json')), 'bin', 'cli.js');
const workers: WorkerProcess[] = [];
afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.stop()));
  fs.rmSync(dir, { recursive: true, force: true });
});

interface LintReport {
  totals: { errors: number; warnings: number };
  problems: { ruleId: string; message: string; location: { pointer: string }[] }[];
}

/** Redocly's `lint --extends=recommended` on a document; its JSON report. */
async function lint(document: unknown, name: string): Promise<LintReport> {
  const file = path.join(dir, `${name}.json`);
  fs.writeFileSync(file, JSON.stringify(document));
  const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' };
  const run = promisify(execFile)(process.execPath, [cli, 'lint', file, '--extends=recommended', '--format=json'], {
    env,
  });
  // the linter exits 1 when it finds errors; its report is on stdout either way
  const { stdout } = await run.catch((error: { stdout: string }) => error);
  return JSON.parse(stdout) as LintReport;
}

const problems = (report: LintReport) =>
  report.problems.map((problem) => `${problem.ruleId} at ${problem.location[0]?.pointer}: ${problem.message}`);

async function start(name: string, settings: Record<string, unknown>): Promise<WorkerProcess> {
  const worker = await startWorkerProcess({
    stateDir: path.join(dir, name),
    bootstrapServers: requireService('kafka'),
    connectors: {},
    settings,
  });
  workers.push(worker);
  return worker;
}

type Document = {
  components: { securitySchemes?: Record<string, unknown> };
  security?: unknown[];
  servers: { url: string }[];
  paths: Record<string, Record<string, { operationId?: string; security?: unknown[]; responses: object }>>;
};

describe('/openapi.json under an OpenAPI linter (sluice-worker bin)', () => {
  it('passes the recommended rules with basic and bearer authentication, documenting both', async () => {
    fs.writeFileSync(path.join(dir, 'users'), 'admin: s3cret\n');
    fs.writeFileSync(path.join(dir, 'tokens'), 'token-one\n');
    const worker = await start('secured', {
      rest: { auth: { usersFile: path.join(dir, 'users'), tokensFile: path.join(dir, 'tokens') } },
    });
    const answer = await fetch(`${worker.url}/openapi.json`, { headers: { authorization: 'Bearer token-one' } });
    expect(answer.status).toBe(200);
    const document = (await answer.json()) as Document;
    expect(problems(await lint(document, 'secured'))).toEqual([]);
    expect(document.components.securitySchemes).toEqual({
      basicAuth: { type: 'http', scheme: 'basic' },
      bearerAuth: { type: 'http', scheme: 'bearer' },
    });
    expect(document.security).toEqual([{ basicAuth: [] }, { bearerAuth: [] }]);
    expect(document.servers).toEqual([expect.objectContaining({ url: worker.url })]);
    // the probes are open, and say so; everything else answers 401 without credentials
    expect(document.paths['/health']?.get?.security).toEqual([]);
    expect(Object.keys(document.paths['/connectors']?.get?.responses ?? {})).toContain('401');
    expect(Object.keys(document.paths['/health']?.get?.responses ?? {})).not.toContain('401');

    // the linter is live: an operation without its id or error answers is reported
    const spoilt = structuredClone(document);
    const create = spoilt.paths['/connectors']?.post;
    delete create?.operationId;
    if (create) create.responses = { 201: { description: 'Created' } };
    expect(problems(await lint(spoilt, 'spoilt'))).toEqual([
      expect.stringMatching(/^operation-operationId at .*\/post\/operationId: /),
      expect.stringMatching(/^operation-4xx-response at .*\/post\/responses: /),
    ]);
  });

  it('passes them without authentication too, declaring no security scheme', async () => {
    const worker = await start('open', {});
    const document = (await (await fetch(`${worker.url}/openapi.json`)).json()) as Document;
    expect(problems(await lint(document, 'open'))).toEqual([]);
    expect(document.components.securitySchemes).toEqual({});
    const ids = Object.values(document.paths).flatMap((operations) =>
      Object.values(operations).map((operation) => operation.operationId),
    );
    expect(ids).toHaveLength(34);
    expect(new Set(ids).size).toBe(34);
  });
});
