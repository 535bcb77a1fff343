import type { Action } from './bulk-body.js';

/**
 * The documents (index and id) held by bulks in flight, so that with write.method=upsert or
 * document.version=none several bulks may be in flight while no two of them touch one document:
 * OpenSearch applies a bulk's items in order, so each document's changes land in put order.
 * Invariant: a document is held while, and only while, a bulk in flight holds an action on it.
 * Keyed by index, then by the id's JSON text: no key is built per action.
 */
export class DocumentsInFlight {
  private readonly held = new Map<string, Map<string, number>>();

  /** How many of the first `most` actions of `pending` touch no document in flight. */
  disjointPrefix(pending: readonly Action[], most: number): number {
    if (this.held.size === 0) return most;
    for (let i = 0; i < most; i++) {
      const { index, idJson } = pending[i] as Action;
      if (idJson !== undefined && this.held.get(index)?.has(idJson) === true) return i;
    }
    return most;
  }

  /** Counts a bulk's documents into (+1) or out of (-1) flight. */
  hold(chunk: readonly Action[], delta: 1 | -1): void {
    for (const { index, idJson } of chunk) {
      if (idJson === undefined) continue;
      const ids = this.held.get(index) ?? new Map<string, number>();
      const count = (ids.get(idJson) ?? 0) + delta;
      if (count > 0) ids.set(idJson, count);
      else ids.delete(idJson);
      if (ids.size > 0) this.held.set(index, ids);
      else this.held.delete(index);
    }
  }
}
