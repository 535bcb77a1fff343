import fs from 'node:fs';
import path from 'node:path';
import type { Connector } from '@sluice/sdk';
import type { CatalogEntry } from '@sluice/runtime';
import { ConnectorCatalog } from '@sluice/runtime';

/** The `"sluice"` field of a connector package's package.json. */
export interface PluginManifest {
  readonly kind: 'source' | 'sink';
  readonly alias: string;
  /** Module exporting the connector (default export), relative to the package. */
  readonly entry: string;
}

export class PluginError extends Error {
  override readonly name = 'PluginError';
}

/**
 * Finds connector packages — npm packages whose package.json has a `"sluice"` field — in each
 * directory's `node_modules` (scoped packages included) and in each directory itself (a plugin
 * directory holding package folders), and returns them as a catalog. A package found twice is
 * taken once (the first directory wins). A bad manifest, a missing entry module, or two
 * connectors with the same alias stop the worker with a message naming them.
 *
 * A connector's module is loaded when first used (a connector created, its config asked for,
 * the plugins listed), not at start: connector packages bring their client libraries (MongoDB,
 * OpenSearch, ...), tens of MB a worker that does not run them should not hold. A module that
 * fails to load, or exports something else than its manifest says, fails that first use.
 */
export function loadPlugins(directories: readonly string[]): ConnectorCatalog {
  const seen = new Set<string>();
  const entries: CatalogEntry[] = [];
  for (const directory of directories) {
    for (const packageDir of candidatePackages(directory)) {
      const manifest = readManifest(packageDir);
      if (!manifest || seen.has(manifest.name)) continue;
      seen.add(manifest.name);
      entries.push(lazyEntry(packageDir, manifest.name, manifest.sluice));
    }
  }
  try {
    return new ConnectorCatalog(entries);
  } catch (error) {
    throw new PluginError((error as Error).message);
  }
}

function candidatePackages(directory: string): string[] {
  const found: string[] = [];
  for (const base of [path.join(directory, 'node_modules'), directory]) {
    for (const name of safeReaddir(base)) {
      if (name.startsWith('.')) continue;
      const full = path.join(base, name);
      if (name.startsWith('@')) found.push(...safeReaddir(full).map((scoped) => path.join(full, scoped)));
      else found.push(full);
    }
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

function readManifest(packageDir: string): { name: string; sluice: PluginManifest } | undefined {
  const file = path.join(packageDir, 'package.json');
  let json: { name?: unknown; sluice?: unknown };
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8')) as typeof json;
  } catch (error) {
    throw new PluginError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  if (json.sluice === undefined) return undefined;
  const name = typeof json.name === 'string' ? json.name : path.basename(packageDir);
  const sluice = json.sluice as Partial<PluginManifest>;
  const problem =
    sluice.kind !== 'source' && sluice.kind !== 'sink'
      ? 'sluice.kind must be "source" or "sink"'
      : typeof sluice.alias !== 'string' || sluice.alias === ''
        ? 'sluice.alias must name the connector (e.g. "FileStreamSink")'
        : typeof sluice.entry !== 'string' || sluice.entry === ''
          ? 'sluice.entry must be the module exporting the connector (e.g. "./dist/index.js")'
          : undefined;
  if (problem) throw new PluginError(`plugin ${name} (${file}): ${problem}`);
  return { name, sluice: sluice as PluginManifest };
}

function lazyEntry(packageDir: string, name: string, manifest: PluginManifest): CatalogEntry {
  const entry = path.resolve(packageDir, manifest.entry);
  if (!fs.existsSync(entry) && !fs.existsSync(`${entry}.js`))
    throw new PluginError(`plugin ${name}: loading ${entry} failed: no such file`);
  let connector: Connector | undefined;
  return {
    packageName: name,
    alias: manifest.alias,
    get connector() {
      connector ??= loadConnector(packageDir, name, manifest);
      return connector;
    },
  };
}

function loadConnector(packageDir: string, name: string, manifest: PluginManifest): Connector {
  const entry = path.resolve(packageDir, manifest.entry);
  let loaded: unknown;
  try {
    // plugins are CommonJS packages resolved at run time: a dynamic require is the point here
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require(entry);
  } catch (error) {
    throw new PluginError(`plugin ${name}: loading ${entry} failed: ${(error as Error).message}`);
  }
  const connector = ((loaded as { default?: unknown }).default ?? loaded) as Partial<Connector>;
  if (
    (connector.kind !== 'source' && connector.kind !== 'sink') ||
    typeof connector.createTask !== 'function' ||
    !connector.validator
  ) {
    throw new PluginError(
      `plugin ${name}: ${manifest.entry} does not export a connector made with defineSource or defineSink`,
    );
  }
  if (connector.kind !== manifest.kind || connector.name !== manifest.alias) {
    throw new PluginError(
      `plugin ${name}: package.json says ${manifest.kind} "${manifest.alias}" but the module exports ${connector.kind} "${connector.name}"`,
    );
  }
  return connector as Connector;
}
