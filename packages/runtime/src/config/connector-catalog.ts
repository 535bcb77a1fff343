import type { Connector } from '@sluice/sdk';

export interface CatalogEntry {
  /** The npm package name, e.g. `@sluice/file-sink`. */
  readonly packageName: string;
  /** The connector's alias, when known without loading it (`connector` may be a lazy getter). */
  readonly alias?: string;
  readonly connector: Connector;
}

/**
 * The connectors a worker can run, found by `connector.class`: the package name or the
 * connector's alias (`FileStreamSink`). The worker's plugin loader fills it; two connectors with
 * the same alias are an error, since `connector.class` could not tell them apart.
 */
export class ConnectorCatalog {
  private readonly byName = new Map<string, CatalogEntry>();

  constructor(entries: readonly CatalogEntry[]) {
    for (const entry of entries) {
      for (const name of [entry.packageName, entry.alias ?? entry.connector.name]) {
        const clash = this.byName.get(name);
        if (clash && clash !== entry) {
          throw new Error(`connector name ${name} is claimed by both ${clash.packageName} and ${entry.packageName}`);
        }
        this.byName.set(name, entry);
      }
    }
  }

  find(connectorClass: string): CatalogEntry | undefined {
    return this.byName.get(connectorClass);
  }

  entries(): CatalogEntry[] {
    return [...new Set(this.byName.values())];
  }
}
