package dev.sluice.mongo;

import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.exception.MongoServerError;

/** The change stream's `fullDocument` option: what an update event carries as fullDocument. */
enum FullDocumentMode {
    DEFAULT, UPDATE_LOOKUP, WHEN_AVAILABLE, REQUIRED;

    static FullDocumentMode of(Document changeStream) {
        Object mode = changeStream.getOrDefault("fullDocument", "default");
        return switch (String.valueOf(mode)) {
            case "default" -> DEFAULT;
            case "updateLookup" -> UPDATE_LOOKUP;
            case "whenAvailable" -> WHEN_AVAILABLE;
            case "required" -> REQUIRED;
            default -> throw new MongoServerError(2, "BadValue", "unknown fullDocument mode: " + mode);
        };
    }
}
