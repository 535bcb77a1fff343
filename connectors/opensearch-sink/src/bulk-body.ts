/** One document write for the bulk API. */
export interface DocumentWrite {
  readonly index: string;
  /** Absent: OpenSearch assigns an id (append-only data). */
  readonly id?: string;
  /** null: delete the document (a tombstone). */
  readonly document: Readonly<Record<string, unknown>> | null;
}

/**
 * The bulk API's body as alternating action and source lines. Writes with an id are idempotent:
 * a redelivered record overwrites the document with the same content.
 */
export function bulkBody(writes: readonly DocumentWrite[]): Record<string, unknown>[] {
  const body: Record<string, unknown>[] = [];
  for (const write of writes) {
    const meta = write.id === undefined ? { _index: write.index } : { _index: write.index, _id: write.id };
    if (write.document === null) {
      if (write.id === undefined) throw new Error(`a delete for index ${write.index} needs a document id`);
      body.push({ delete: meta });
    } else {
      body.push({ index: meta }, write.document);
    }
  }
  return body;
}
