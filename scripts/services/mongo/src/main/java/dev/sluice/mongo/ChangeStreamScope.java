package dev.sluice.mongo;

import java.util.Set;

import de.bwaldvogel.mongo.bson.Document;

/**
 * What one change stream watches. The emulator routes `db.coll.watch()` here as "db.coll",
 * `db.watch()` as "db.1" (aggregate: 1) and `client.watch()` as "admin.1" with
 * allChangesForCluster.
 *
 * @param collection null for a database- or deployment-wide stream
 * @param database null for a deployment-wide stream
 */
record ChangeStreamScope(String database, String collection) {
    private static final Set<String> INTERNAL_DATABASES = Set.of("admin", "local", "config");

    static ChangeStreamScope of(String namespace, Document changeStream) {
        int dot = namespace.indexOf('.');
        String database = namespace.substring(0, dot);
        String collection = namespace.substring(dot + 1);
        if (!collection.equals("1")) {
            return new ChangeStreamScope(database, collection);
        }
        if (Boolean.TRUE.equals(changeStream.get("allChangesForCluster"))) {
            return new ChangeStreamScope(null, null);
        }
        return new ChangeStreamScope(database, null);
    }

    boolean includes(ChangeEvent event) {
        if (INTERNAL_DATABASES.contains(event.database()) || event.collection().startsWith("system.")) {
            return false;
        }
        return (database == null || database.equals(event.database()))
                && (collection == null || collection.equals(event.collection()));
    }
}
