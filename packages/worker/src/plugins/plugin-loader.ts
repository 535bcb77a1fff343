import fs from 'node:fs';
import path from 'node:path';
import type { BrokenPlugin, CatalogEntry } from '@sluice/runtime';
import { ConnectorCatalog } from '@sluice/runtime';
import { loadConnector } from './load-connector.js';
import { PluginError } from './plugin-error.js';
import type { PluginManifest } from './plugin-manifest.js';
import { readPackage } from './plugin-manifest.js';
import { shareWorkerSdk } from './shared-sdk.js';

export interface PluginLoaderOptions {
  /**
   * The operator's plugin directories. Each may hold package folders (a package's directory,
   * unpacked) and a `node_modules` (what `npm install <tarball>` in that directory makes).
   */
  readonly pluginPath: readonly string[];
  /** Also the connector packages installed beside the worker itself (default true). */
  readonly workerInstall?: boolean;
}

/** A package folder found in a scan, and the folder whose cached modules a changed copy drops. */
interface Candidate {
  readonly dir: string;
  readonly scope: string;
}

interface Known {
  readonly stamp: string;
  readonly entry: CatalogEntry;
}

/**
 * Finds connector packages — npm packages whose package.json has a `"sluice"` field — and keeps
 * finding them: `load()` scans again each time and returns a new catalog.
 *
 * Where: each `pluginPath` directory (its `node_modules`, scoped packages included, and its
 * package folders), then the `node_modules` folders of the worker's own install (from the worker
 * package's directory upwards, as Node resolves the worker's dependencies); never the current
 * directory. A package name found twice is taken once: the first place wins, so a plugin
 * directory can hold a newer version of a connector the worker ships with.
 *
 * What can go wrong stays with its plugin: a bad package.json, a missing entry module, an alias
 * another package already has, or a module that fails to load (at first use) make that plugin
 * broken, listed with its reason (`ConnectorCatalog.broken()`); the others load.
 *
 * When: a connector's module is loaded at first use (a connector created, its config asked
 * for, the plugins listed), not by the scan: connector packages bring client libraries (MongoDB,
 * OpenSearch, ...), tens of MB a worker that does not run them should not hold. A scan reuses the
 * entry of a package whose package.json is the same file as before (same text, not rewritten);
 * any other is a new entry (an upgrade or reinstall), whose module is loaded afresh: modules Node
 * cached from its folder, or from the plugin directory's `node_modules` it was installed in, are
 * dropped first, so a new version and its new dependencies are read from disk.
 *
 * Plugins get the worker's own `@sluice/sdk` (see shareWorkerSdk). Plugins are CommonJS.
 */
export class PluginLoader {
  private readonly known = new Map<string, Known>();
  /** The stamp of each scope (folder) at the time modules were last loaded from it. */
  private readonly scopes = new Map<string, string>();

  constructor(private readonly options: PluginLoaderOptions) {}

  /** Scans every directory now. Never throws for a plugin's fault. */
  load(): ConnectorCatalog {
    const holders = [
      ...this.options.pluginPath.flatMap((dir) => [
        { dir: path.join(path.resolve(dir), 'node_modules'), shared: true },
        { dir: path.resolve(dir), shared: false },
      ]),
      ...(this.options.workerInstall === false ? [] : workerInstallDirs().map((dir) => ({ dir, shared: false }))),
    ];
    const candidates = holders.flatMap(({ dir, shared }) =>
      packageFolders(dir).map((packageDir) => ({ dir: packageDir, scope: realpath(shared ? dir : packageDir) })),
    );
    shareWorkerSdk([...this.options.pluginPath, ...candidates.map((candidate) => candidate.dir)]);
    return this.catalogOf(candidates);
  }

  private catalogOf(candidates: readonly Candidate[]): ConnectorCatalog {
    const names = new Map<string, string>(); // connector.class name → package that has it
    const entries: CatalogEntry[] = [];
    const broken: BrokenPlugin[] = [];
    const seen = new Set<string>();
    for (const candidate of candidates) {
      const location = realpath(candidate.dir);
      const text = readText(path.join(candidate.dir, 'package.json'));
      const read = readPackage(candidate.dir, text);
      if (!read.plugin || seen.has(read.name)) continue;
      seen.add(read.name);
      if ('problem' in read) {
        broken.push({ packageName: read.name, location, reason: read.problem });
        continue;
      }
      const alias = read.manifest.alias;
      const taken = names.get(alias) ?? names.get(read.name);
      if (taken !== undefined) {
        const reason = `plugin ${read.name}: connector name ${names.has(alias) ? alias : read.name} is already taken by ${taken}`;
        broken.push({ packageName: read.name, alias, location, reason });
        continue;
      }
      names.set(alias, read.name).set(read.name, read.name);
      const stamp = `${fileStamp(path.join(candidate.dir, 'package.json'))}\n${text ?? ''}`;
      const known = this.known.get(location);
      const entry =
        known?.stamp === stamp
          ? known.entry
          : this.lazyEntry({ ...candidate, dir: location }, read.name, read.version, read.manifest);
      this.known.set(location, { stamp, entry });
      entries.push(entry);
    }
    return new ConnectorCatalog(entries, broken);
  }

  private lazyEntry(
    candidate: Candidate,
    name: string,
    version: string | undefined,
    manifest: PluginManifest,
  ): CatalogEntry {
    let outcome: { connector: CatalogEntry['connector'] } | { error: Error } | undefined;
    const load = () => {
      this.freshScope(candidate.scope);
      try {
        return { connector: loadConnector(candidate.dir, name, manifest) };
      } catch (error) {
        return { error: error instanceof PluginError ? error : new PluginError((error as Error).message) };
      }
    };
    return {
      packageName: name,
      alias: manifest.alias,
      ...(version === undefined ? {} : { version }),
      location: candidate.dir,
      get connector() {
        outcome ??= load();
        if ('error' in outcome) throw outcome.error;
        return outcome.connector;
      },
    };
  }

  /** Drops the modules cached from `scope` when its files changed since they were loaded. */
  private freshScope(scope: string): void {
    const stamp = scopeStamp(scope);
    const before = this.scopes.get(scope);
    this.scopes.set(scope, stamp);
    if (before === undefined || before === stamp) return;
    const prefix = scope.endsWith(path.sep) ? scope : `${scope}${path.sep}`;
    for (const file of Object.keys(require.cache)) {
      // deleting the key is how Node's documentation says to make the next require read the file
      // eslint-disable-next-line @typescript-eslint/no-dynamic-delete
      if (file.startsWith(prefix)) delete require.cache[file];
    }
  }
}

/** One scan of `directories` (each: its `node_modules` and its package folders), as a catalog. */
export function loadPlugins(directories: readonly string[]): ConnectorCatalog {
  return new PluginLoader({ pluginPath: directories, workerInstall: false }).load();
}

/** The `node_modules` folders Node resolves the worker's own dependencies from, nearest first. */
export function workerInstallDirs(): string[] {
  const dirs: string[] = [];
  // this file is <worker package>/{dist,src}/plugins/plugin-loader.*
  for (let dir = path.resolve(__dirname, '..', '..'); ; dir = path.dirname(dir)) {
    if (path.basename(dir) !== 'node_modules' && fs.existsSync(path.join(dir, 'node_modules')))
      dirs.push(path.join(dir, 'node_modules'));
    if (path.dirname(dir) === dir) return dirs;
  }
}

/** The package folders directly in `directory` (and in its @scope folders). */
function packageFolders(directory: string): string[] {
  const found: string[] = [];
  for (const name of safeReaddir(directory)) {
    if (name.startsWith('.') || name === 'node_modules') continue;
    const full = path.join(directory, name);
    if (name.startsWith('@')) found.push(...safeReaddir(full).map((scoped) => path.join(full, scoped)));
    else found.push(full);
  }
  return found.filter((dir) => fs.existsSync(path.join(dir, 'package.json')));
}

function safeReaddir(directory: string): string[] {
  try {
    return fs.readdirSync(directory);
  } catch {
    return [];
  }
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function realpath(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    return path.resolve(file);
  }
}

/** Changes whenever the file is written again (npm extracts with fixed mtimes, so not mtime). */
function fileStamp(file: string): string {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  return stat ? `${stat.ino}:${stat.ctimeMs}` : '';
}

/** A folder's stamp: the folder itself and npm's record of what it installed there. */
function scopeStamp(scope: string): string {
  return `${fileStamp(scope)}|${fileStamp(path.join(scope, '.package-lock.json'))}|${fileStamp(path.join(scope, 'package.json'))}`;
}
