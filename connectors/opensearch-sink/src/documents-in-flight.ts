import type { Action } from './bulk-body.js';
import { documentKey } from './bulk-body.js';

/**
 * The documents (documentKey) held by bulks in flight, so that with write.method=upsert or
 * document.version=none several bulks may be in flight while no two of them touch one document:
 * OpenSearch applies a bulk's items in order, so each document's changes land in put order.
 * Invariant: a document is held while, and only while, a bulk in flight holds an action on it.
 */
export class DocumentsInFlight {
  private readonly held = new Map<string, number>();

  /** How many of the first `most` actions of `pending` touch no document in flight. */
  disjointPrefix(pending: readonly Action[], most: number): number {
    if (this.held.size === 0) return most;
    for (let i = 0; i < most; i++) {
      const document = documentKey(pending[i] as Action);
      if (document !== undefined && this.held.has(document)) return i;
    }
    return most;
  }

  /** Counts a bulk's documents into (+1) or out of (-1) flight. */
  hold(chunk: readonly Action[], delta: 1 | -1): void {
    for (const action of chunk) {
      const document = documentKey(action);
      if (document === undefined) continue;
      const count = (this.held.get(document) ?? 0) + delta;
      if (count > 0) this.held.set(document, count);
      else this.held.delete(document);
    }
  }
}
