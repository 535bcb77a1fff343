import fs from 'node:fs';
import path from 'node:path';
import { DCLinter } from 'dclint';
import { parse } from 'yaml';
import { stagesOf } from './dockerfile-rules.js';

interface Service {
  image?: string;
  build?: { context?: string; dockerfile?: string; target?: string };
  depends_on?: Record<string, { condition?: string }>;
  volumes?: string[];
  command?: string[] | string;
}

/** The part of dclint's result read here (its bundled .d.ts files do not resolve under NodeNext). */
interface LintResult {
  readonly messages: readonly { readonly line: number; readonly message: string; readonly rule: string }[];
}

interface ComposeFile {
  services: Record<string, Service>;
}

/**
 * What is wrong with docker/compose.yaml, as readable sentences (none: fine): dclint's findings
 * (YAML, the Compose Specification's JSON schema, its default rules, such as explicit image
 * tags), then this project's: the servers run the versions the local scripts run, builds name
 * an existing Dockerfile and stage, bind mounts and connector files exist, and whatever needs
 * MongoDB waits for the replica set's init. Relative paths resolve from `projectDir`, as with
 * `docker compose --project-directory` (default: the file's directory).
 */
export function composeProblems(file: string, repoRoot: string, projectDir = path.dirname(file)): string[] {
  const linter = new DCLinter({ rules: {}, quiet: true, debug: false, exclude: [] });
  const problems = linter
    .lintFiles([file], false)
    .flatMap((result: LintResult) => result.messages.map((m) => `line ${m.line}: ${m.message} (${m.rule})`));
  if (problems.length > 0) return problems; // the rules below need a valid file
  const compose = parse(fs.readFileSync(file, 'utf8')) as ComposeFile;
  const dir = projectDir;
  const services = Object.entries(compose.services);
  const image = (prefix: string) => services.map(([, s]) => s.image ?? '').find((i) => i.startsWith(`${prefix}:`));

  const opensearch = /const VERSION = '([^']+)'/.exec(read(repoRoot, 'scripts/services/opensearch.mjs'))?.[1];
  if (image('opensearchproject/opensearch') !== `opensearchproject/opensearch:${opensearch}`)
    problems.push(`OpenSearch is not ${opensearch}, the version scripts/services/opensearch.mjs runs`);
  const kafka = /<kafka\.version>([^<]+)</.exec(read(repoRoot, 'scripts/services/kafka/pom.xml'))?.[1];
  if (image('apache/kafka') !== `apache/kafka:${kafka}`)
    problems.push(`Kafka is not ${kafka}, the version scripts/services/kafka runs`);

  for (const [name, service] of services) {
    problems.push(...buildProblems(name, service, dir));
    const mounts = (service.volumes ?? []).map((volume) => volume.split(':')).filter(([from]) => from?.startsWith('.'));
    for (const [from = ''] of mounts)
      if (!fs.existsSync(path.resolve(dir, from))) problems.push(`${name}: mounts ${from}, which does not exist`);
    const command = Array.isArray(service.command) ? service.command : [];
    for (const arg of command.filter((a) => a.endsWith('.json'))) {
      const mount = mounts.find(([, to]) => to !== undefined && arg.startsWith(`${to}/`));
      const local = mount ? path.resolve(dir, mount[0] ?? '', path.relative(mount[1] ?? '', arg)) : undefined;
      if (!local || !fs.existsSync(local)) problems.push(`${name}: connector file ${arg} is not mounted from docker/`);
    }
  }
  const init = services.find(([, s]) => JSON.stringify(s.command ?? '').includes('rs.initiate'))?.[0];
  if (!init) problems.push('no service initiates the MongoDB replica set (rs.initiate)');
  for (const [name, service] of services.filter(([, s]) => s.build))
    if (init && service.depends_on?.[init]?.condition !== 'service_completed_successfully')
      problems.push(`${name}: does not wait for ${init} (condition: service_completed_successfully)`);
  return problems;
}

function buildProblems(name: string, service: Service, dir: string): string[] {
  if (!service.build) return [];
  const context = path.resolve(dir, service.build.context ?? '.');
  const dockerfile = path.join(context, service.build.dockerfile ?? 'Dockerfile');
  if (!fs.existsSync(dockerfile)) return [`${name}: builds ${dockerfile}, which does not exist`];
  const stages = stagesOf(fs.readFileSync(dockerfile, 'utf8')).map((stage) => stage.name);
  const target = service.build.target;
  return target === undefined || stages.includes(target)
    ? []
    : [`${name}: target ${target} is no stage of its Dockerfile`];
}

const read = (root: string, file: string) => fs.readFileSync(path.join(root, file), 'utf8');
