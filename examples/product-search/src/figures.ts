import type { Client } from '@opensearch-project/opensearch';
import type { Collection } from 'mongodb';
import { productId } from './catalogue.js';
import type { Product } from './catalogue.js';
import type { CatalogueGenerator } from './generator.js';
import { PINNED } from './generator.js';
import { percentiles, probe } from './latency-probe.js';
import type { ProbeTimes } from './latency-probe.js';

interface Sample extends ProbeTimes {
  readonly at: number;
}

/**
 * The pipeline's live figures while the generator writes: one probe change at a time on a
 * pinned product (the random changes never touch those), timed from its MongoDB write until
 * OpenSearch holds it and until a search finds it, and the generator's write rate.
 */
export class PipelineFigures {
  private readonly samples: Sample[] = [];
  private readonly stopped = new AbortController();
  private running: Promise<void> | undefined;
  private lastReport = { at: Date.now(), changes: 0, samples: 0 };
  private first = this.lastReport;

  constructor(
    private readonly products: Collection<Product>,
    private readonly search: Client,
    private readonly index: string,
    private readonly generator: CatalogueGenerator,
    private readonly refreshInterval: string,
  ) {}

  /** Starts probing, one change every `gapMs` after the previous one became searchable; a probe that fails ends it with `onError`. */
  start(onError: (error: unknown) => void, gapMs = 100): void {
    this.lastReport = { at: Date.now(), changes: this.changes(), samples: this.samples.length };
    this.first = this.lastReport;
    this.running = (async () => {
      for (let i = 0; !this.stopped.signal.aborted; i++) {
        const times = await probe(this.products, this.search, this.index, productId(i % PINNED));
        this.samples.push({ ...times, at: Date.now() });
        await new Promise((resolve) => setTimeout(resolve, gapMs));
      }
    })().catch(onError);
  }

  /** Stops probing. */
  async stop(): Promise<void> {
    this.stopped.abort();
    await this.running;
  }

  /** A line for the time since the previous one: write rate, and the probes in that time. */
  liveLine(): string {
    const now = Date.now();
    const changes = this.changes();
    const rate = ((changes - this.lastReport.changes) * 1000) / (now - this.lastReport.at);
    const recent = this.samples.slice(this.lastReport.samples);
    this.lastReport = { at: now, changes, samples: this.samples.length };
    const time = new Date(now).toTimeString().slice(0, 8);
    return `[${time}] ${Math.round(rate)} changes/s | ${this.latencies(recent)} | ${this.generator.size} products`;
  }

  /** Since start(): the changes written and every probe. */
  summary(): string {
    const ms = Date.now() - this.first.at;
    const changes = this.changes() - this.first.changes;
    const rate = Math.round((changes * 1000) / ms);
    return [
      `${changes} changes in ${(ms / 1000).toFixed(1)} s (${rate} changes/s: price and stock updates, new products, deletes)`,
      `${this.latencies(this.samples)}, over ${this.samples.length} probe changes`,
    ].join('\n  ');
  }

  private latencies(samples: readonly Sample[]): string {
    const indexed = percentiles(samples.map((s) => s.indexedMs));
    const searchable = percentiles(samples.map((s) => s.searchableMs));
    return `MongoDB write -> OpenSearch indexed ${indexed}; -> searchable ${searchable} (refresh_interval ${this.refreshInterval})`;
  }

  private changes(): number {
    const { inserts, updates, deletes } = this.generator.written;
    return inserts + updates + deletes;
  }
}
