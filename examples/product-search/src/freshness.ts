import type { Client } from '@opensearch-project/opensearch';

/** The newest change a search can find, and when the watcher first found it. */
export interface Newest {
  readonly id: string;
  readonly name: string;
  /** When it was written to MongoDB (the product's updated_at). */
  readonly writtenAt: number;
  /** When a search first returned it: it became searchable at most one watch interval before. */
  readonly seenAt: number;
}

/**
 * Watches the index for the newest searchable change: every `intervalMs` it asks for the
 * product with the latest updated_at. A search finds only refreshed documents, so `seenAt` is
 * when the change became searchable (within one interval), not merely when it was indexed.
 */
export class FreshnessWatch {
  private latest: Newest | undefined;
  private readonly stopped = new AbortController();
  private readonly done: Promise<void>;

  constructor(
    private readonly search: Client,
    private readonly index: string,
    private readonly intervalMs = 100,
  ) {
    this.done = this.run();
  }

  get newest(): Newest | undefined {
    return this.latest;
  }

  async stop(): Promise<void> {
    this.stopped.abort();
    await this.done;
  }

  private async run(): Promise<void> {
    while (!this.stopped.signal.aborted) {
      await this.look().catch(() => undefined); // the index may not exist yet, or be busy: look again
      await new Promise((resolve) => setTimeout(resolve, this.intervalMs));
    }
  }

  private async look(): Promise<void> {
    const response = await this.search.search({
      index: this.index,
      body: { size: 1, sort: [{ updated_at: 'desc' }], _source: ['name', 'updated_at'] } as never,
    });
    const hit = response.body.hits.hits[0];
    if (!hit) return;
    const source = hit._source as { name: string; updated_at: number };
    if (this.latest && this.latest.writtenAt >= source.updated_at) return;
    this.latest = { id: String(hit._id), name: source.name, writtenAt: source.updated_at, seenAt: Date.now() };
  }
}
