#!/usr/bin/env node
// `npm run bench [-- --only a,b] [-- --quick]`: runs the scenarios of bench/scenarios/*.mjs, each
// after starting the services it names, and writes bench/results/<date>.md with its plots.
// A scenario module exports { name, title, services: ['kafka', ...], run(context) }; run gets
// { section, report, quick, log } and adds its text, tables and plots to `section`. A scenario
// that throws is reported as failed and the others still run (exit code 1 at the end).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadSampler, machineInfo } from './lib/machine.mjs';
import { Report } from './lib/report.mjs';
import { ensureServices } from './lib/services.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

function parseArgs(argv) {
  const options = { only: undefined, quick: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') options.quick = true;
    else if (arg === '--only') options.only = (argv[++i] ?? '').split(',').filter(Boolean);
    else if (arg.startsWith('--only=')) options.only = arg.slice(7).split(',').filter(Boolean);
    else throw new Error(`bench: unknown argument ${arg} (use --only <scenario>[,<scenario>] and --quick)`);
  }
  return options;
}

async function loadScenarios() {
  const dir = path.join(here, 'scenarios');
  const files = fs
    .readdirSync(dir)
    .filter((file) => file.endsWith('.mjs'))
    .sort();
  return Promise.all(files.map(async (file) => (await import(pathToFileURL(path.join(dir, file)).href)).default));
}

const options = parseArgs(process.argv.slice(2));
const all = await loadScenarios();
const unknown = (options.only ?? []).filter((name) => !all.some((s) => s.name === name));
if (unknown.length > 0) {
  console.error(`bench: no scenario ${unknown.join(', ')}; there are: ${all.map((s) => s.name).join(', ')}`);
  process.exit(2);
}
const chosen = options.only ? all.filter((s) => options.only.includes(s.name)) : all;
const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
const report = new Report({ dir: path.join(here, 'results'), command });
const load = loadSampler();
const log = (message) => process.stderr.write(`[bench] ${message}\n`);
let failed = 0;
for (const scenario of chosen) {
  const section = report.section(scenario.name, scenario.title);
  log(`${scenario.name}: starting${options.quick ? ' (quick)' : ''}`);
  try {
    ensureServices(scenario.services ?? []);
    await scenario.run({ section, report, quick: options.quick, log: (m) => log(`${scenario.name}: ${m}`) });
  } catch (error) {
    failed += 1;
    section.text(`**This scenario failed**, so it has no figures: \`${String(error.stack ?? error).split('\n')[0]}\``);
    log(`${scenario.name} failed: ${error.stack ?? error}`);
  }
}
const file = report.write({ machine: machineInfo(), load: load.stop() });
log(`report: ${path.relative(process.cwd(), file)}`);
process.exitCode = failed > 0 ? 1 : 0;
