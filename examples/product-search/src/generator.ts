import type { AnyBulkWriteOperation, Collection } from 'mongodb';
import { product, productId, seeded, shopPrice } from './catalogue.js';
import type { Product, Random } from './catalogue.js';

export interface Tally {
  inserts: number;
  updates: number;
  deletes: number;
}

/** Products the random changes leave alone: latency probes and tests change them, and must be the only writers. */
export const PINNED = 10;

/**
 * Writes the catalogue into MongoDB as a shop's back office would: a bulk load, then a stream
 * of price and stock changes, new products and deletes. Every write stamps `updated_at`, the
 * start of every latency the demo measures.
 */
export class CatalogueGenerator {
  /** Numbers of the products in MongoDB; the first PINNED stay at the front. */
  private readonly live: number[] = [];
  private next = 0;
  private readonly random: Random;
  readonly written: Tally = { inserts: 0, updates: 0, deletes: 0 };

  constructor(
    private readonly products: Collection<Product>,
    private readonly seed = 42,
  ) {
    this.random = seeded(seed + 1);
  }

  get size(): number {
    return this.live.length;
  }

  /** Inserts `count` new products, `batch` per insertMany; stops early when `signal` aborts. */
  async load(count: number, signal: AbortSignal, batch = 1000): Promise<void> {
    for (let done = 0; done < count && !signal.aborted; done += batch) {
      const now = Date.now();
      const items = Array.from({ length: Math.min(batch, count - done) }, () => this.fresh(now));
      await this.products.insertMany(items);
      this.written.inserts += items.length;
    }
  }

  /** `n` random changes in one unordered bulk write: mostly prices and stock, some new products and deletes. */
  async change(n: number): Promise<void> {
    const now = Date.now();
    const operations: AnyBulkWriteOperation<Product>[] = [];
    for (let i = 0; i < n; i++) {
      const dice = this.random();
      if (dice < 0.08 || this.live.length <= PINNED) {
        operations.push({ insertOne: { document: this.fresh(now) } });
        this.written.inserts++;
      } else if (dice < 0.15) {
        const at = PINNED + Math.floor(this.random() * (this.live.length - PINNED));
        const gone = this.live[at] as number;
        const last = this.live.pop() as number;
        if (at < this.live.length) this.live[at] = last;
        operations.push({ deleteOne: { filter: { _id: productId(gone) } } });
        this.written.deletes++;
      } else {
        const n = this.live[PINNED + Math.floor(this.random() * (this.live.length - PINNED))] as number;
        operations.push({ updateOne: { filter: { _id: productId(n) }, update: { $set: this.update(n, now) } } });
        this.written.updates++;
      }
    }
    if (operations.length > 0) await this.products.bulkWrite(operations, { ordered: false });
  }

  /** Writes about `perSecond` changes a second, in ticks of 100 ms, until `signal` aborts. */
  async churn(perSecond: number, signal: AbortSignal): Promise<void> {
    const tickMs = 100;
    let owed = 0;
    while (!signal.aborted) {
      const started = Date.now();
      owed += (perSecond * tickMs) / 1000;
      const n = Math.floor(owed);
      owed -= n;
      await this.change(n);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, tickMs - (Date.now() - started))));
    }
  }

  private fresh(now: number): Product {
    const n = this.next++;
    this.live.push(n);
    return { ...product(n, this.seed), updated_at: now };
  }

  /** A new price within 20 % of the product's list price, or a new stock level (sometimes none left). */
  private update(n: number, now: number): Partial<Product> {
    const list = product(n, this.seed).price;
    if (this.random() < 0.65) return { price: shopPrice(list * (0.8 + 0.4 * this.random())), updated_at: now };
    return { stock: this.random() < 0.2 ? 0 : Math.floor(this.random() * 50), updated_at: now };
  }
}
