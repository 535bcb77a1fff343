import type { Document } from 'mongodb';

/** A fragment of an event split by $changeStreamSplitLargeEvent (MongoDB 7.0+, 6.0.9+). */
export type Fragment = Document & { readonly splitEvent: { readonly fragment: number; readonly of: number } };

/**
 * Joins the fragments of one split event, in order, into the whole event (the last fragment's
 * _id is the event's resume token); undefined while fragments are missing.
 */
export function joinFragments(fragments: readonly Fragment[]): Document | undefined {
  const last = fragments[fragments.length - 1];
  if (last === undefined || last.splitEvent.fragment < last.splitEvent.of) return undefined;
  const whole: Document = {};
  for (const fragment of fragments) {
    const { splitEvent: _split, ...fields } = fragment;
    void _split;
    Object.assign(whole, fields);
  }
  return whole;
}
