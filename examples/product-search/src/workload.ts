import type { Collection } from 'mongodb';
import type { Product } from './catalogue.js';

export interface Written {
  readonly inserts: number;
  readonly updates: number;
  readonly deletes: number;
}

/** Inserts the catalogue, changes some prices, deletes some products: each change stamped with its time. */
export async function runWorkload(
  products: Collection<Product>,
  items: readonly Product[],
  updates: number,
  deletes: number,
): Promise<Written> {
  for (let at = 0; at < items.length; at += 100) {
    const now = Date.now();
    await products.insertMany(items.slice(at, at + 100).map((item) => ({ ...item, updated_at: now })));
  }
  for (let i = 0; i < updates; i++) {
    const item = items[(i * 7) % items.length] as Product;
    await products.updateOne(
      { _id: item._id },
      { $set: { price: Math.round(item.price * 0.9), updated_at: Date.now() } },
    );
  }
  for (let i = 0; i < deletes; i++) {
    const item = items[items.length - 1 - i * 3] as Product;
    await products.deleteOne({ _id: item._id });
  }
  return { inserts: items.length, updates, deletes };
}
