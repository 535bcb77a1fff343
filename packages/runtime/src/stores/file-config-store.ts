import { AtomicJsonFile, readJsonFile } from './atomic-file.js';
import type { ConfigStore, StoredConnector } from './config-store.js';

/** Connector configs in one JSON file, replaced atomically on every change (standalone mode). */
export class FileConfigStore implements ConfigStore {
  private connectors: Map<string, StoredConnector> | undefined;
  private readonly out: AtomicJsonFile;

  constructor(private readonly file: string) {
    this.out = new AtomicJsonFile(file);
  }

  async load(): Promise<Map<string, StoredConnector>> {
    this.connectors ??= new Map(
      Object.entries(await readJsonFile<Record<string, StoredConnector>>(this.file, 'connector configs', {})),
    );
    return new Map(this.connectors);
  }

  async put(name: string, connector: StoredConnector): Promise<void> {
    await this.load();
    this.connectors?.set(name, connector);
    await this.out.write(Object.fromEntries(this.connectors ?? []));
  }

  async remove(name: string): Promise<void> {
    await this.load();
    this.connectors?.delete(name);
    await this.out.write(Object.fromEntries(this.connectors ?? []));
  }
}
