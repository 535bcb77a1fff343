import type { ChangeStreamDocument, Document, Timestamp } from 'mongodb';
import type { SourceOffset, SourcePartition, SourceRecord } from '@sluice/sdk';
import { bsonToJson, keyOf } from './bson-to-json.js';
import type { SourceConfig } from './config.js';
import type { TopicNamer } from './topic-names.js';

/** A change event as the driver types it, with the optional fields read here. */
type ChangeEvent = ChangeStreamDocument & {
  clusterTime?: Timestamp;
  wallTime?: Date;
  ns?: { db: string; coll?: string };
  documentKey?: { _id: unknown };
  fullDocument?: Document | null;
  fullDocumentBeforeChange?: Document | null;
  updateDescription?: Document;
  /** rename: the new namespace. */
  to?: { db: string; coll: string };
};

const DOCUMENT_CHANGES = new Set(['insert', 'update', 'replace', 'delete']);

/** `<seconds>.<increment>`: the cluster time as headers and envelopes carry it. */
export function clusterTimeText(time: Timestamp): string {
  return `${time.t}.${time.i}`;
}

/**
 * Turns change events and copied documents into records: topic per `topicOf`, key =
 * the document's _id as a string (one partition per document, so its changes stay in order),
 * value = the document (delete: tombstone) or the change-event envelope, per output.format.
 */
export class EventRecords {
  constructor(
    private readonly config: SourceConfig,
    private readonly partition: SourcePartition,
    private readonly topicOf: TopicNamer,
  ) {}

  /** The record of a change, or null when the event publishes nothing in this format. */
  fromChange(change: ChangeStreamDocument): SourceRecord | null {
    const event = change as ChangeEvent;
    const ns = event.ns;
    if (ns === undefined) return null; // invalidate: the task reopens the stream
    const id = event.documentKey?._id;
    let key: string;
    let value: unknown;
    if (this.config['output.format'] === 'envelope') {
      key = id === undefined ? `${ns.db}.${ns.coll ?? ''}` : keyOf(id);
      value = envelopeOf(event);
    } else {
      if (id === undefined || !DOCUMENT_CHANGES.has(event.operationType)) return null;
      // no document: updateLookup found it deleted since (its delete follows)
      if (event.operationType !== 'delete' && !event.fullDocument) return null;
      key = keyOf(id);
      value = event.operationType === 'delete' ? null : bsonToJson(event.fullDocument);
    }
    // built as literals, not spreads: this runs once per event
    const headers: Record<string, string> = { 'mongodb.resume.token': JSON.stringify(event._id) };
    if (event.clusterTime) headers['mongodb.cluster.time'] = clusterTimeText(event.clusterTime);
    const sourceOffset = { resumeToken: event._id };
    return { sourcePartition: this.partition, sourceOffset, topic: this.topicOf(ns), key, value, headers };
  }

  /** A copied document; versioned with the snapshot's start time, before any later change. */
  fromSnapshot(namespace: string, document: Document, offset: SourceOffset, startedAt: Timestamp): SourceRecord {
    const dot = namespace.indexOf('.');
    const ns = { db: namespace.slice(0, dot), coll: namespace.slice(dot + 1) };
    const value =
      this.config['output.format'] === 'envelope'
        ? {
            op: 'read',
            ns,
            documentKey: bsonToJson({ _id: document._id }),
            clusterTime: clusterTimeText(startedAt),
            before: null,
            after: bsonToJson(document),
            updateDescription: null,
          }
        : bsonToJson(document);
    return {
      sourcePartition: this.partition,
      sourceOffset: offset,
      topic: this.topicOf(ns),
      key: keyOf(document._id),
      value,
      headers: { 'mongodb.cluster.time': clusterTimeText(startedAt), 'mongodb.snapshot': 'true' },
    };
  }

  /** A heartbeat: carries the latest resume token so it becomes the stored offset. */
  heartbeat(resumeToken: unknown): SourceRecord {
    const scope = String(this.partition.ns);
    return {
      sourcePartition: this.partition,
      sourceOffset: { resumeToken },
      topic: this.config['heartbeat.topic.name'],
      key: scope,
      value: { ns: scope, resumeToken: JSON.stringify(resumeToken), at: new Date().toISOString() },
    };
  }
}

/** The change-event envelope: what happened, to which document, when, and the states around it. */
function envelopeOf(event: ChangeEvent): Record<string, unknown> {
  return {
    op: event.operationType,
    ns: event.ns ?? null,
    documentKey: event.documentKey ? bsonToJson(event.documentKey) : null,
    clusterTime: event.clusterTime ? clusterTimeText(event.clusterTime) : null,
    wallTime: event.wallTime ? event.wallTime.toISOString() : null,
    before: bsonToJson(event.fullDocumentBeforeChange ?? null),
    after: bsonToJson(event.fullDocument ?? null),
    updateDescription: bsonToJson(event.updateDescription ?? null),
    ...(event.to ? { to: event.to } : {}),
  };
}
