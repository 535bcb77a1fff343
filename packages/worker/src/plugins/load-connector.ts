import path from 'node:path';
import type { Connector } from '@sluice/sdk';
import { PluginError } from './plugin-error.js';
import type { PluginManifest } from './plugin-manifest.js';

/**
 * Requires a plugin's entry module and checks that it exports (default export or the module
 * itself) the connector its manifest describes. Throws a PluginError naming the package.
 */
export function loadConnector(packageDir: string, name: string, manifest: PluginManifest): Connector {
  const entry = path.resolve(packageDir, manifest.entry);
  let loaded: unknown;
  try {
    // plugins are CommonJS packages resolved at run time: a dynamic require is the point here
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require(entry);
  } catch (error) {
    throw new PluginError(`plugin ${name}: loading ${entry} failed: ${(error as Error).message}`);
  }
  const connector = ((loaded as { default?: unknown } | null)?.default ?? loaded) as Partial<Connector> | null;
  if (
    !connector ||
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
