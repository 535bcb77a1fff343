import type { Connector } from '@sluice/sdk';

export interface CatalogEntry {
  /** The npm package name, e.g. `@sluice/file-sink`. */
  readonly packageName: string;
  /** The connector's alias, when known without loading it (`connector` may be a lazy getter). */
  readonly alias?: string;
  /** The package's version (its package.json), when known. */
  readonly version?: string;
  /** The package's directory, when it was found on disk. */
  readonly location?: string;
  /** The connector; a lazy getter may throw when its module cannot be loaded. */
  readonly connector: Connector;
}

/** A plugin that was found but cannot be used, and why. */
export interface BrokenPlugin {
  readonly packageName: string;
  readonly alias?: string;
  readonly location?: string;
  readonly reason: string;
}

/** What changed between two catalogs, by package name. */
export interface PluginChanges {
  readonly added: string[];
  /** Another entry under the same package name: a new version or a reinstall. */
  readonly upgraded: string[];
  readonly removed: string[];
}

/**
 * The connectors a worker can run, found by `connector.class`: the package name or the
 * connector's alias (`FileStreamSink`). The worker's plugin loader fills it; two entries with
 * the same name are an error, since `connector.class` could not tell them apart.
 *
 * A plugin that cannot be used never makes the catalog fail: a module that throws when first
 * loaded (a lazy `connector` getter) turns its entry broken, and `find` and `entries` leave it
 * out while `broken()` and `problem()` say why, so only the connectors using it fail.
 */
export class ConnectorCatalog {
  private readonly byName = new Map<string, CatalogEntry>();
  private readonly failed = new Map<CatalogEntry, string>();

  constructor(
    entries: readonly CatalogEntry[],
    /** Plugins the loader found unusable before loading anything (bad manifest, name taken). */
    private readonly unusable: readonly BrokenPlugin[] = [],
  ) {
    for (const entry of entries) {
      for (const name of namesOf(entry)) {
        const clash = this.byName.get(name);
        if (clash && clash !== entry) {
          throw new Error(`connector name ${name} is claimed by both ${clash.packageName} and ${entry.packageName}`);
        }
        this.byName.set(name, entry);
      }
    }
  }

  /** The entry `connectorClass` names, if its connector loads (this may load its module). */
  find(connectorClass: string): CatalogEntry | undefined {
    const entry = this.byName.get(connectorClass);
    return entry && this.loads(entry) ? entry : undefined;
  }

  /** Every entry whose connector loads (each lazy module is loaded). */
  entries(): CatalogEntry[] {
    return this.all().filter((entry) => this.loads(entry));
  }

  /** Every entry, its module loaded or not (loads nothing). */
  found(): CatalogEntry[] {
    return this.all();
  }

  /**
   * Every plugin found but unusable, with why. Each lazy module is loaded to know, unless
   * `loadEach` is false: then only what is known so far (no module is loaded).
   */
  broken(loadEach = true): BrokenPlugin[] {
    const failed = this.all()
      .filter((entry) => (loadEach ? !this.loads(entry) : this.failed.has(entry)))
      .map((entry) => ({
        packageName: entry.packageName,
        ...(entry.alias === undefined ? {} : { alias: entry.alias }),
        ...(entry.location === undefined ? {} : { location: entry.location }),
        reason: this.failed.get(entry) ?? 'failed to load',
      }));
    return [...this.unusable, ...failed];
  }

  /** Why the plugin `connectorClass` names (package name or alias) cannot be used; undefined if it can or is unknown. */
  problem(connectorClass: string): string | undefined {
    const entry = this.byName.get(connectorClass);
    if (entry) return this.loads(entry) ? undefined : this.failed.get(entry);
    return this.unusable.find((plugin) => plugin.packageName === connectorClass || plugin.alias === connectorClass)
      ?.reason;
  }

  /** The plugins added, replaced (another entry object) and removed since `before`; loads nothing. */
  changesSince(before: ConnectorCatalog): PluginChanges {
    const now = new Map(this.all().map((entry) => [entry.packageName, entry]));
    const then = new Map(before.all().map((entry) => [entry.packageName, entry]));
    const sorted = (names: Iterable<string>) => [...names].sort();
    return {
      added: sorted([...now.keys()].filter((name) => !then.has(name))),
      upgraded: sorted([...now.keys()].filter((name) => then.has(name) && then.get(name) !== now.get(name))),
      removed: sorted([...then.keys()].filter((name) => !now.has(name))),
    };
  }

  private all(): CatalogEntry[] {
    return [...new Set(this.byName.values())];
  }

  private loads(entry: CatalogEntry): boolean {
    if (this.failed.has(entry)) return false;
    try {
      void entry.connector;
      return true;
    } catch (error) {
      this.failed.set(entry, error instanceof Error ? error.message : String(error));
      return false;
    }
  }
}

/** The names `connector.class` finds an entry by; the alias is read without loading when known. */
function namesOf(entry: CatalogEntry): string[] {
  return [entry.packageName, entry.alias ?? entry.connector.name];
}
