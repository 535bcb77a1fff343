// The report of one `npm run bench`: bench/results/<date>.md with its PNG plots beside it, in
// bench/results/<date>/. Scenarios add sections; the header (machine, load, versions, command)
// and the plots' files are the writer's.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { writePng } from './plot.mjs';

/** Markdown table from a header row and rows of cells. */
export function table(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** One scenario's part of the report. */
class Section {
  constructor(report, name, title) {
    this.report = report;
    this.name = name;
    this.title = title;
    this.parts = [];
  }

  text(markdown) {
    this.parts.push(markdown.trim());
  }

  table(header, rows) {
    this.parts.push(table(header, rows));
  }

  /** Renders `spec` (Vega-Lite) to <date>/<scenario>-<name>.png and links it here. */
  async plot(name, spec) {
    const file = `${this.name}-${name}.png`;
    await writePng(path.join(this.report.assetsDir, file), spec);
    this.parts.push(`![${spec.title ?? name}](${this.report.stamp}/${file})`);
  }

  markdown() {
    return `## ${this.title}\n\n${this.parts.join('\n\n')}\n`;
  }
}

export class Report {
  /** `stamp` names the report (default: the UTC date and time of the start). */
  constructor({ dir, stamp, command }) {
    this.dir = dir;
    this.stamp = stamp ?? new Date().toISOString().slice(0, 19).replaceAll(':', '');
    this.assetsDir = path.join(dir, this.stamp);
    this.command = command;
    this.startedAt = new Date();
    this.sections = [];
    this.versions = {};
    fs.mkdirSync(this.assetsDir, { recursive: true });
  }

  section(name, title) {
    const section = new Section(this, name, title);
    this.sections.push(section);
    return section;
  }

  /** A version line for the header, e.g. version('Apache Kafka Connect', '4.1.1'). */
  version(what, value) {
    this.versions[what] = value;
  }

  /** Writes <dir>/<stamp>.md; `machine` from machineInfo(), `load` from loadSampler().stop(). */
  write({ machine, load }) {
    const file = path.join(this.dir, `${this.stamp}.md`);
    const header = `# Sluice benchmarks, ${this.startedAt.toISOString()}

Written by \`${this.command}\` (bench/run.mjs). Every figure below was measured in this run;
ratios compare figures of this run only.

- Machine: ${machine.cores} × ${machine.cpu}, ${machine.memoryGiB.toFixed(1)} GiB, ${machine.os}
- Load average (1 min) during the run: min ${load.min.toFixed(2)}, mean ${load.mean.toFixed(2)}, max ${load.max.toFixed(2)} on ${machine.cores} cores.
  The machine is shared with other work: a load above the core count means the processes measured
  here waited for a CPU, so absolute rates are lower bounds and single rounds vary.
- Node ${machine.node}; ${machine.java}; Sluice at ${gitCommit()}
${Object.entries(this.versions)
  .map(([what, value]) => `- ${what}: ${value}`)
  .join('\n')}
- Finished ${new Date().toISOString()}
`;
    fs.writeFileSync(file, `${header}\n${this.sections.map((s) => s.markdown()).join('\n')}`);
    return file;
  }
}

function gitCommit() {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim();
    return `commit ${commit}${dirty ? ' (with uncommitted changes)' : ''}`;
  } catch {
    return 'an unknown commit';
  }
}
