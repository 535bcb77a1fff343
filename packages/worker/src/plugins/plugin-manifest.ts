import fs from 'node:fs';
import path from 'node:path';

/** The `"sluice"` field of a connector package's package.json. */
export interface PluginManifest {
  readonly kind: 'source' | 'sink';
  readonly alias: string;
  /** Module exporting the connector (default export), relative to the package. */
  readonly entry: string;
}

/** What one package folder's package.json says. */
export type PackageRead =
  | { readonly plugin: false }
  | { readonly plugin: true; readonly name: string; readonly version?: string; readonly manifest: PluginManifest }
  | { readonly plugin: true; readonly name: string; readonly problem: string };

/**
 * Reads a package folder's package.json: not a plugin (no `"sluice"` field), a plugin, or a
 * plugin that cannot work and why (unreadable JSON counts: it sits in a plugin directory).
 * Never throws.
 */
export function readPackage(packageDir: string, text: string | undefined): PackageRead {
  const file = path.join(packageDir, 'package.json');
  let json: { name?: unknown; version?: unknown; sluice?: unknown };
  try {
    json = JSON.parse(text ?? fs.readFileSync(file, 'utf8')) as typeof json;
  } catch (error) {
    return { plugin: true, name: path.basename(packageDir), problem: `${file}: ${(error as Error).message}` };
  }
  if (json.sluice === undefined) return { plugin: false };
  const name = typeof json.name === 'string' ? json.name : path.basename(packageDir);
  const sluice = (
    typeof json.sluice === 'object' && json.sluice !== null ? json.sluice : {}
  ) as Partial<PluginManifest>;
  const problem =
    sluice.kind !== 'source' && sluice.kind !== 'sink'
      ? 'sluice.kind must be "source" or "sink"'
      : typeof sluice.alias !== 'string' || sluice.alias === ''
        ? 'sluice.alias must name the connector (e.g. "FileStreamSink")'
        : typeof sluice.entry !== 'string' || sluice.entry === ''
          ? 'sluice.entry must be the module exporting the connector (e.g. "./dist/index.js")'
          : undefined;
  if (problem) return { plugin: true, name, problem: `plugin ${name} (${file}): ${problem}` };
  const entry = path.resolve(packageDir, sluice.entry as string);
  if (!fs.existsSync(entry) && !fs.existsSync(`${entry}.js`)) {
    return { plugin: true, name, problem: `plugin ${name}: loading ${entry} failed: no such file` };
  }
  return {
    plugin: true,
    name,
    ...(typeof json.version === 'string' ? { version: json.version } : {}),
    manifest: sluice as PluginManifest,
  };
}
