import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { composeProblems } from '../../../docker/lint/compose-rules';
import { dockerfileProblems } from '../../../docker/lint/dockerfile-rules';

// The Docker files are linted here because no Docker engine runs on this project's machines:
// dockerfile-utils and dclint (the Compose Specification's schema) from npm, plus the rules in
// docker/lint. Each rule is shown to fire on a broken copy, so a green run means something.
const root = path.resolve(__dirname, '..', '..', '..');
const dockerDir = path.join(root, 'docker');
const dockerfile = fs.readFileSync(path.join(dockerDir, 'worker.Dockerfile'), 'utf8');
const compose = fs.readFileSync(path.join(dockerDir, 'compose.yaml'), 'utf8');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'docker-files-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

type Mutation = [string, (text: string) => string, string];

const replaced = (from: string | RegExp, to: string) => (text: string) => {
  const next = text.replace(from, to);
  if (next === text) throw new Error(`the mutation found no ${String(from)}`);
  return next;
};

describe('docker/worker.Dockerfile', () => {
  it('passes dockerfile-utils and the image rules', () => {
    expect(dockerfileProblems(dockerfile, root)).toEqual([]);
  });

  it.each<Mutation>([
    ['an unknown instruction', (text) => `${text}\nEXPOSES 8083\n`, 'line '],
    ['an unpinned base', replaced('node:20.20.2-bookworm-slim AS base', 'node:latest AS base'), 'base: base image'],
    ['a major-only tag', replaced('node:20.20.2-bookworm AS build', 'node:20 AS build'), 'build: base image node:20'],
    ['a root worker', replaced(/USER node(?![\s\S]*USER node)/, 'USER root'), 'worker: runs as root'],
    ['no USER at all', (text) => text.replace(/^USER node$/gm, ''), 'example: runs as root'],
    ['one stage', (text) => text.slice(0, text.indexOf('# ---- base')), 'not multi-stage'],
    ['npm in the runtime', replaced('FROM base AS worker\n', 'FROM base AS worker\nRUN npm ci\n'), 'worker: installs'],
    ['a shell-form entrypoint', replaced(/ENTRYPOINT \["node", "--max[^\n]+/, 'ENTRYPOINT node x.js'), 'shell form'],
    ['a missing COPY source', replaced('COPY examples examples', 'COPY example examples'), 'COPY example: no such'],
    [
      'a manifest left out',
      replaced('COPY connectors/file-sink/package.json connectors/file-sink/\n', ''),
      'file-sink',
    ],
    [
      'a connector left out',
      replaced('/out/worker @sluice/worker \\', '/out/worker @sluice/worker'),
      'file-sink is not',
    ],
    ['no healthcheck', replaced(/HEALTHCHECK[^\n]*\\\n[^\n]*\n/, ''), 'worker: no HEALTHCHECK'],
  ])('finds %s', (_, mutate, problem) => {
    expect(dockerfileProblems(mutate(dockerfile), root).join('\n')).toContain(problem);
  });
});

describe('docker/compose.yaml', () => {
  const problemsOf = (text: string) => {
    const file = path.join(scratch, 'compose.yaml');
    fs.writeFileSync(file, text);
    return composeProblems(file, root, dockerDir).join('\n');
  };

  it('passes dclint (Compose Specification schema and default rules) and the project rules', () => {
    expect(composeProblems(path.join(dockerDir, 'compose.yaml'), root)).toEqual([]);
  });

  it.each<Mutation>([
    [
      'a key the schema does not know',
      replaced('    restart: unless-stopped', '    restarts: always'),
      'invalid-schema',
    ],
    ['an untagged image', replaced(/image: mongo:[\d.]+/g, 'image: mongo'), 'service-image-require-explicit-tag'],
    ['another OpenSearch', replaced('opensearch:2.19.6', 'opensearch:2.19.3'), 'OpenSearch is not 2.19.6'],
    ['another Kafka', replaced('apache/kafka:4.1.1', 'apache/kafka:4.0.0'), 'Kafka is not 4.1.1'],
    ['an unknown build target', replaced('target: worker', 'target: workers'), 'target workers is no stage'],
    ['a missing connector file', replaced('products-search.json', 'product-search.json'), 'is not mounted'],
    ['no replica set init', replaced('rs.initiate', 'rs.status'), 'no service initiates'],
    [
      'a worker not waiting for the init',
      replaced(/(worker:\n[\s\S]*?)condition: service_completed_successfully/, '$1condition: service_started'),
      'worker: does not wait for mongodb-init',
    ],
  ])('finds %s', (_, mutate, problem) => {
    expect(problemsOf(mutate(compose))).toContain(problem);
  });
});
