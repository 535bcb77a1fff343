import fs from 'node:fs';
import Module from 'node:module';
import path from 'node:path';

const SDK = '@sluice/sdk';

type ResolveFilename = (request: string, parent: NodeJS.Module | undefined, ...rest: unknown[]) => string;

const roots = new Set<string>();
let installed = false;

/**
 * Makes every module under `directories` (plugin directories and plugin packages) get the
 * worker's own `@sluice/sdk` when it requires `@sluice/sdk` (or a file of it): connectors declare
 * the SDK as a peer dependency, so a plugin directory outside the worker's install holds no copy
 * of it, and one that does hold a copy must not use it (the runtime and the connector must agree
 * on what a RetriableError or a config schema is; the errors' brands are the second line).
 *
 * Node 20 has no public synchronous resolve hook for `require` (`module.registerHooks` comes with
 * Node 22.15), so this wraps `Module._resolveFilename`, the one function every `require`
 * resolves through, and changes nothing for any other request or any other module. Directories
 * are compared by real path, as Node records a module's filename. Idempotent.
 */
export function shareWorkerSdk(directories: Iterable<string>): void {
  for (const directory of directories) roots.add(withSeparator(realpath(directory)));
  if (installed) return;
  installed = true;
  const internals = Module as unknown as { _resolveFilename: ResolveFilename };
  const resolve = internals._resolveFilename;
  internals._resolveFilename = function resolveForPlugins(request, parent, ...rest) {
    const forPlugin =
      (request === SDK || request.startsWith(`${SDK}/`)) && parent?.filename != null && insideRoots(parent.filename);
    // resolved as this worker module's own require would: the worker's install
    return resolve.call(this, request, forPlugin ? module : parent, ...rest);
  };
}

function insideRoots(filename: string): boolean {
  for (const root of roots) if (filename.startsWith(root)) return true;
  return false;
}

function realpath(directory: string): string {
  try {
    return fs.realpathSync(directory);
  } catch {
    return path.resolve(directory); // not there (yet): compared as given
  }
}

function withSeparator(directory: string): string {
  return directory.endsWith(path.sep) ? directory : `${directory}${path.sep}`;
}
