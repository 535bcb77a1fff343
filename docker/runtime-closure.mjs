#!/usr/bin/env node
// Copies what the given workspaces need at run time, and nothing else, from this (installed and
// built) repository into a directory, keeping the repository's layout:
//   node docker/runtime-closure.mjs <dest> <workspace> [<workspace> ...]
// e.g. node docker/runtime-closure.mjs /out/worker @sluice/worker @sluice/mongodb-source
//
// The image's build stage runs it after `npm ci && npx tsc -b`. The package set is the one npm
// itself resolves (`npm ls --omit=dev --all`), so it follows package-lock.json; workspaces keep
// their node_modules/@sluice/* links and bring only their package.json and published files
// (the package.json `files`, e.g. dist and bin; dist without one). A worker started in <dest> finds every copied
// connector in <dest>/node_modules, as the worker's plugin loader looks there (its cwd).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Parts of installed packages no process loads: the librdkafka sources and static archives
 * of the Kafka client's native binding (it loads build/Release/*.node and build/deps/*.so*).
 */
const NOT_NEEDED = {
  '@confluentinc/kafka-javascript': ['deps', 'src', 'build/Release/obj.target', 'build/Release/.deps'],
};
const NOT_NEEDED_FILES = /\.(a|o|gyp|mk)$|^(Makefile|config\.gypi)$/;

function closure(workspaces) {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const args = ['ls', '--omit=dev', '--all', '--parseable', ...workspaces.flatMap((name) => ['-w', name])];
  const listed = spawnSync(npm, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (listed.status !== 0) throw new Error(`npm ls failed: ${listed.stderr || listed.stdout}`);
  const found = listed.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => path.relative(root, line))
    .filter((dir) => dir !== '');
  return [...new Set(found)].sort();
}

/** Copies a directory, without nested node_modules and the relative paths in `pruned`. */
function copyTree(from, to, pruned = [], base = '') {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const relative = path.join(base, entry.name);
    // nested node_modules hold packages of their own: copied when npm lists them
    if (entry.name === 'node_modules' || pruned.includes(relative)) continue;
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) copyTree(source, target, pruned, relative);
    else if (entry.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(source), target);
    else if (pruned.length === 0 || !NOT_NEEDED_FILES.test(entry.name)) fs.copyFileSync(source, target);
  }
}

/** A workspace package as npm would publish it: package.json and its `files` (default: dist). */
function copyWorkspace(dir, dest) {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, dir, 'package.json'), 'utf8'));
  fs.mkdirSync(path.join(dest, dir), { recursive: true });
  fs.copyFileSync(path.join(root, dir, 'package.json'), path.join(dest, dir, 'package.json'));
  const files = manifest.files ?? ['dist'];
  for (const file of files.filter((entry) => !entry.startsWith('!'))) {
    const source = path.join(root, dir, file);
    if (!fs.existsSync(source)) throw new Error(`${dir}: ${file} is missing; build first (npx tsc -b)`);
    if (fs.statSync(source).isDirectory()) copyTree(source, path.join(dest, dir, file));
    else fs.copyFileSync(source, path.join(dest, dir, file));
  }
  // npm's `!path` entries leave a file out of the package (e.g. a build's .tsbuildinfo)
  for (const file of files.filter((entry) => entry.startsWith('!')))
    fs.rmSync(path.join(dest, dir, file.slice(1)), { force: true, recursive: true });
}

/** The package name of a node_modules path (`node_modules/@scope/name/node_modules/x` → `x`). */
const packageName = (dir) => dir.split('node_modules/').pop();

export function copyRuntimeClosure(dest, workspaces) {
  const dirs = closure(workspaces);
  for (const dir of dirs) {
    const source = path.join(root, dir);
    const target = path.join(dest, dir);
    if (fs.lstatSync(source).isSymbolicLink()) {
      // a workspace link (node_modules/@sluice/x → ../../connectors/x): the link and the package
      const link = fs.readlinkSync(source);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.symlinkSync(link, target);
      copyWorkspace(path.relative(root, path.resolve(path.dirname(source), link)), dest);
    } else {
      copyTree(source, target, NOT_NEEDED[packageName(dir)] ?? []);
    }
  }
  return dirs;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [dest, ...workspaces] = process.argv.slice(2);
  if (!dest || workspaces.length === 0) {
    process.stderr.write('usage: node docker/runtime-closure.mjs <dest> <workspace> [<workspace> ...]\n');
    process.exit(2);
  }
  const copied = copyRuntimeClosure(path.resolve(dest), workspaces);
  process.stdout.write(`copied ${copied.length} packages for ${workspaces.join(', ')} into ${dest}\n`);
}
