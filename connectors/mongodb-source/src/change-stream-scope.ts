import type { ChangeStream, ChangeStreamOptions, Document, MongoClient } from 'mongodb';

/** What one change stream watches: a collection, some collections of a database, a database, or all. */
export interface ChangeStreamScope {
  readonly database?: string;
  readonly collection?: string;
  /** Several collections of `database`: one database-wide stream filtered on the server. */
  readonly collections?: readonly string[];
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
  if ((scope.collection ?? scope.collections) !== undefined && scope.database === undefined)
    throw new Error('collection: needs database to be set too');
  if (scope.database !== undefined && scope.collection !== undefined)
    return client.db(scope.database).collection(scope.collection).watch(pipeline, options);
  if (scope.database !== undefined && scope.collections !== undefined) {
    const only = { $match: { 'ns.coll': { $in: [...scope.collections] } } };
    return client.db(scope.database).watch([only, ...pipeline], options);
  }
  if (scope.database !== undefined) return client.db(scope.database).watch(pipeline, options);
  return client.watch(pipeline, options);
}

/** The collections a snapshot copies, in name order (collection names are unique, so order is stable). */
export async function collectionsOf(client: MongoClient, scope: ChangeStreamScope): Promise<string[]> {
  if (scope.database === undefined) {
    const { databases } = await client.db('admin').admin().listDatabases({ nameOnly: true });
    const names = databases.map((db) => db.name).filter((name) => !['admin', 'config', 'local'].includes(name));
    const perDatabase = await Promise.all(names.map((name) => collectionsOf(client, { database: name })));
    return perDatabase.flat().sort();
  }
  if (scope.collection !== undefined) return [`${scope.database}.${scope.collection}`];
  const listed = await client.db(scope.database).listCollections({}, { nameOnly: true }).toArray();
  const names = listed.map((entry) => entry.name).filter((name) => !name.startsWith('system.'));
  const wanted = scope.collections ? names.filter((name) => scope.collections?.includes(name)) : names;
  return wanted.map((name) => `${scope.database}.${name}`).sort();
}

/** A readable name for logs and source partitions: `db.coll`, `db.a,b`, `db`, or `*`. */
export function scopeName(scope: ChangeStreamScope): string {
  const collections = scope.collection ?? scope.collections?.join(',');
  return [scope.database, collections].filter((part) => part !== undefined).join('.') || '*';
}
