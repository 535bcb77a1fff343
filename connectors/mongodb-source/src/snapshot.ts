import { BSON } from 'mongodb';
import type { Document, MongoClient, Timestamp } from 'mongodb';
import type { SourceOffset, SourceRecord } from '@sluice/sdk';
import { clusterTimeText } from './event-records.js';
import type { EventRecords } from './event-records.js';

/** Snapshot progress in the source offset: the namespace being copied and the last _id copied. */
export interface SnapshotProgress {
  readonly namespace: string;
  /** The last copied _id as canonical Extended JSON (keeps its BSON type); absent: none yet. */
  readonly lastId?: string;
}

/**
 * copy_existing: copies the existing documents of `namespaces` (sorted) in _id order, batch by
 * batch. Each record's offset holds the progress and the cluster time the copy began, so a
 * restart resumes after the last copied _id of that namespace instead of starting over; the last
 * document's offset says "copied, stream from startAt". The stream then starts at `startAt`, which
 * was taken before the copy began: changes made during the copy are streamed too (at least once,
 * never lost).
 */
export class SnapshotCopy {
  private index: number;
  private lastId: unknown;

  constructor(
    private readonly client: MongoClient,
    private readonly namespaces: readonly string[],
    private readonly startAt: Timestamp,
    private readonly records: EventRecords,
    private readonly batchSize: number,
    from?: SnapshotProgress,
  ) {
    const at = from ? namespaces.findIndex((namespace) => namespace >= from.namespace) : 0;
    this.index = at < 0 ? namespaces.length : at;
    const same = from !== undefined && namespaces[this.index] === from.namespace;
    this.lastId = same && from.lastId !== undefined ? idOf(from.lastId) : undefined;
  }

  /** The next copied documents as records; [] once everything is copied. */
  async next(): Promise<SourceRecord[]> {
    while (this.index < this.namespaces.length) {
      const namespace = this.namespaces[this.index] as string;
      const documents = await this.batchAfter(namespace);
      if (documents.length === 0) {
        this.index += 1;
        this.lastId = undefined;
        continue;
      }
      this.lastId = documents[documents.length - 1]?._id;
      const finished = documents.length < this.batchSize && this.index === this.namespaces.length - 1;
      return documents.map((document, i) =>
        this.records.fromSnapshot(
          namespace,
          document,
          finished && i === documents.length - 1 ? this.doneOffset() : this.offsetAt(namespace, document._id),
          this.startAt,
        ),
      );
    }
    return [];
  }

  /** The offset once the copy is complete: the stream starts at the copy's start time. */
  doneOffset(): SourceOffset {
    return { startAt: clusterTimeText(this.startAt) };
  }

  private offsetAt(namespace: string, id: unknown): SourceOffset {
    const progress: SnapshotProgress = { namespace, lastId: BSON.EJSON.stringify({ _id: id }, { relaxed: false }) };
    return { startAt: clusterTimeText(this.startAt), snapshot: progress };
  }

  private batchAfter(namespace: string): Promise<Document[]> {
    const dot = namespace.indexOf('.');
    const collection = this.client.db(namespace.slice(0, dot)).collection(namespace.slice(dot + 1));
    // _id of any BSON type: the filter is a plain document
    const filter: Document = this.lastId === undefined ? {} : { _id: { $gt: this.lastId } };
    return collection.find(filter).sort({ _id: 1 }).limit(this.batchSize).toArray();
  }
}

/** The _id a progress offset names, with its BSON type (ObjectId, number, string, ...). */
function idOf(lastId: string): unknown {
  return (BSON.EJSON.parse(lastId, { relaxed: false }) as { _id: unknown })._id;
}
