import type { ChangeStream, ChangeStreamOptions, Document, MongoClient } from 'mongodb';

/** What one change stream watches: a collection, a whole database, or the whole deployment. */
export interface ChangeStreamScope {
  readonly database?: string;
  readonly collection?: string;
}

/**
 * Opens the change stream for `scope` (`options.startAfter` resumes strictly after a token). A
 * collection without a database is a config error, named.
 */
export function openChangeStream(
  client: MongoClient,
  scope: ChangeStreamScope,
  options: ChangeStreamOptions = { fullDocument: 'updateLookup' },
  pipeline: Document[] = [],
): ChangeStream {
  if (scope.collection !== undefined) {
    if (scope.database === undefined) throw new Error('collection: needs database to be set too');
    return client.db(scope.database).collection(scope.collection).watch(pipeline, options);
  }
  if (scope.database !== undefined) return client.db(scope.database).watch(pipeline, options);
  return client.watch(pipeline, options);
}

/** A readable name for logs and source partitions: `db.coll`, `db`, or `*`. */
export function scopeName(scope: ChangeStreamScope): string {
  return [scope.database, scope.collection].filter((part) => part !== undefined).join('.') || '*';
}
