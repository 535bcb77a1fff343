package dev.sluice.mongo;

import java.time.Instant;

import de.bwaldvogel.mongo.bson.BsonTimestamp;
import de.bwaldvogel.mongo.bson.Document;

/**
 * One recorded change, as MongoDB's change streams describe it.
 *
 * @param document the inserted document or the replacement (with its _id); null otherwise
 * @param updateDescription {updatedFields, removedFields} of an update; null otherwise
 */
record ChangeEvent(BsonTimestamp clusterTime, Instant wallTime, String database, String collection,
                   String operationType, Object documentId, Document document, Document updateDescription) {

    /** The resume token: the cluster time as 16 hex digits, so tokens sort like the log. */
    Document resumeToken() {
        return tokenAt(clusterTime);
    }

    /** The token of a position in the log: what a change stream resumes strictly after. */
    static Document tokenAt(BsonTimestamp time) {
        return new Document("_data", String.format("%016x", time.getValue()));
    }

    static BsonTimestamp timeOfToken(Document token) {
        Object data = token.get("_data");
        if (!(data instanceof String hex) || hex.length() != 16) {
            throw new IllegalArgumentException("not a resume token of this server: " + token);
        }
        return new BsonTimestamp(Long.parseUnsignedLong(hex, 16));
    }

    boolean isTerminalFor(String database, String collection) {
        return operationType.equals("drop") && this.database.equals(database) && this.collection.equals(collection);
    }
}
