import fs from 'node:fs';
import path from 'node:path';
import { Copy, DockerfileParser } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';

/** One stage of a Dockerfile: its name, what it is built FROM, and its instructions. */
export interface Stage {
  readonly name: string;
  readonly from: string;
  readonly instructions: readonly { readonly keyword: string; readonly args: string; readonly from?: string }[];
}

/** A `node docker/runtime-closure.mjs <dest> <workspace>...` step of the build. */
export interface Closure {
  readonly dest: string;
  readonly workspaces: readonly string[];
}

export function stagesOf(source: string): Stage[] {
  const stages: { name: string; from: string; instructions: Stage['instructions'][number][] }[] = [];
  for (const instruction of DockerfileParser.parse(source).getInstructions()) {
    const keyword = instruction.getKeyword();
    if (keyword === 'FROM') {
      const args = instruction.getArguments().map((arg) => arg.getValue());
      const image = args.find((arg) => !arg.startsWith('--')) ?? '';
      const as = args.findIndex((arg) => arg.toUpperCase() === 'AS');
      stages.push({ name: as >= 0 ? (args[as + 1] ?? '') : '', from: image, instructions: [] });
      continue;
    }
    // COPY --from=<stage>: a flag, not one of the arguments
    const from = instruction instanceof Copy ? (instruction.getFromFlag()?.getValue() ?? undefined) : undefined;
    stages.at(-1)?.instructions.push({
      keyword,
      args: (instruction.getArgumentsContent() ?? '').replace(/\s+/g, ' ').trim(),
      ...(from === undefined ? {} : { from }),
    });
  }
  return stages;
}

/** The runtime-closure steps of the build, in order. */
export function closuresOf(stages: readonly Stage[]): Closure[] {
  const runs = stages.flatMap((stage) => stage.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args));
  return runs.flatMap((run) =>
    [...run.matchAll(/runtime-closure\.mjs\s+(\S+)((?:\s+@[\w./-]+)+)/g)].map((match) => ({
      dest: match[1] as string,
      workspaces: (match[2] as string).trim().split(/\s+/),
    })),
  );
}

/** The arguments of one kind of instruction along a stage's FROM chain, the base's first. */
export function inherited(stages: readonly Stage[], stage: Stage, keyword: string): string[] {
  const chain: Stage[] = [];
  for (let at: Stage | undefined = stage; at; at = stages.find((s) => s.name === at?.from)) chain.unshift(at);
  return chain.flatMap((s) => s.instructions.filter((i) => i.keyword === keyword).map((i) => i.args));
}

const runnable = (stage: Stage) => stage.instructions.some((i) => i.keyword === 'ENTRYPOINT' || i.keyword === 'CMD');
const PINNED = /^[\w./-]+(?::[\w.-]*\d+\.\d+[\w.-]*)?(?:@sha256:[0-9a-f]{64})?$/;

/**
 * What is wrong with the worker image's Dockerfile, as readable sentences (none: fine):
 * dockerfile-utils' diagnostics, then this project's rules (multi-stage, pinned bases, non-root
 * runnable stages without build tools, exec-form entrypoints, COPY sources that exist, every
 * workspace manifest before `npm ci`, every connector of connectors/ installed).
 */
export function dockerfileProblems(source: string, repoRoot: string): string[] {
  const problems = validate(source).map((d) => `line ${d.range.start.line + 1}: ${d.message}`);
  const stages = stagesOf(source);
  const names = new Set(stages.map((stage) => stage.name));
  if (stages.length < 2) problems.push('not multi-stage: build in one stage, run from a slim one');
  for (const stage of stages) {
    if (stage.name === '') problems.push(`a stage FROM ${stage.from} has no name (FROM ... AS <name>)`);
    const base = stage.from;
    const pinned = PINNED.test(base) && (base.includes('@sha256:') || /:[\w.-]*\d+\.\d+/.test(base));
    if (!names.has(base) && !pinned) problems.push(`${stage.name}: base image ${base} is not pinned to a version`);
    if (!runnable(stage)) continue;
    const users = inherited(stages, stage, 'USER');
    const user = users.at(-1)?.split(':')[0];
    if (user === undefined || user === 'root' || user === '0')
      problems.push(`${stage.name}: runs as root; add USER <unprivileged> (e.g. node)`);
    if (inherited(stages, stage, 'RUN').some((run) => /\bnpm (ci|install)\b|\bnpx tsc\b/.test(run)))
      problems.push(`${stage.name}: installs or compiles in a stage it runs from; copy the output from a build stage`);
    if (!stage.instructions.some((i) => i.keyword === 'COPY' && i.from !== undefined))
      problems.push(`${stage.name}: copies nothing from a build stage (COPY --from=...)`);
    for (const entry of stage.instructions.filter((i) => i.keyword === 'ENTRYPOINT' || i.keyword === 'CMD'))
      if (!entry.args.startsWith('['))
        problems.push(`${stage.name}: ${entry.keyword} in shell form; signals reach a shell, not node`);
  }
  if (stages.at(-1)?.name !== 'worker') problems.push('the last (default) stage is not `worker`');
  if (!stages.find((s) => s.name === 'worker')?.instructions.some((i) => i.keyword === 'HEALTHCHECK'))
    problems.push('worker: no HEALTHCHECK');
  problems.push(...copySourceProblems(stages, repoRoot), ...workspaceProblems(stages, repoRoot));
  return problems;
}

function copySourceProblems(stages: readonly Stage[], repoRoot: string): string[] {
  const problems: string[] = [];
  for (const stage of stages)
    for (const copy of stage.instructions.filter((i) => i.keyword === 'COPY' && i.from === undefined)) {
      const sources = copy.args.split(' ').filter((arg) => !arg.startsWith('--'));
      for (const file of sources.slice(0, -1))
        if (!fs.existsSync(path.join(repoRoot, file))) problems.push(`${stage.name}: COPY ${file}: no such file`);
    }
  return problems;
}

function workspaceProblems(stages: readonly Stage[], repoRoot: string): string[] {
  const problems: string[] = [];
  const build = stages.find((stage) => stage.instructions.some((i) => /\bnpm ci\b/.test(i.args)));
  if (!build) return ['no stage runs npm ci (the lock file decides what is installed)'];
  const beforeCi = build.instructions.slice(
    0,
    build.instructions.findIndex((i) => /\bnpm ci\b/.test(i.args)),
  );
  const copied = beforeCi.filter((i) => i.keyword === 'COPY').flatMap((i) => i.args.split(' '));
  const rootManifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
    workspaces: string[];
  };
  const workspaceDirs = rootManifest.workspaces.flatMap((pattern) =>
    pattern.endsWith('/*')
      ? fs.readdirSync(path.join(repoRoot, pattern.slice(0, -2))).map((name) => `${pattern.slice(0, -2)}/${name}`)
      : [pattern],
  );
  for (const dir of workspaceDirs.filter((d) => fs.existsSync(path.join(repoRoot, d, 'package.json'))))
    if (!copied.includes(`${dir}/package.json`))
      problems.push(`build: ${dir}/package.json is not copied before npm ci (npm ci needs every workspace)`);
  const installed = new Set(closuresOf(stages).find((c) => c.dest.endsWith('/worker'))?.workspaces ?? []);
  for (const dir of fs.readdirSync(path.join(repoRoot, 'connectors'))) {
    const file = path.join(repoRoot, 'connectors', dir, 'package.json');
    if (!fs.existsSync(file)) continue;
    const name = (JSON.parse(fs.readFileSync(file, 'utf8')) as { name: string }).name;
    if (!installed.has(name)) problems.push(`worker: connector ${name} is not installed in the image`);
  }
  return problems;
}
