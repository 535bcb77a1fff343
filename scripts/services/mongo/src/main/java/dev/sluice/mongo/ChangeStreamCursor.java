package dev.sluice.mongo;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import de.bwaldvogel.mongo.backend.Cursor;
import de.bwaldvogel.mongo.backend.aggregation.Aggregation;
import de.bwaldvogel.mongo.bson.BsonTimestamp;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.exception.MongoServerError;

/** A change stream's server-side cursor: reads the log after its position, in order. */
final class ChangeStreamCursor implements Cursor {
    /** Events read from the log per batch when the driver names no batch size. */
    private static final int DEFAULT_BATCH = 1000;

    private final long id;
    private final ChangeEventLog log;
    private final ChangeStreamScope scope;
    private final Aggregation pipeline;
    private final FullDocumentMode fullDocument;
    private BsonTimestamp position;
    private boolean invalidated;

    ChangeStreamCursor(long id, ChangeEventLog log, ChangeStreamScope scope, Aggregation pipeline,
                       FullDocumentMode fullDocument, BsonTimestamp position) {
        this.id = id;
        this.log = log;
        this.scope = scope;
        this.pipeline = pipeline;
        this.fullDocument = fullDocument;
        this.position = position;
    }

    @Override
    public long getId() {
        return id;
    }

    @Override
    public boolean isEmpty() {
        return false; // a change stream stays open until closed or invalidated
    }

    /**
     * The post-batch resume token: the position this cursor has read the log up to, including
     * events its scope or pipeline left out, so an idle stream's token still moves on.
     */
    synchronized Document postBatchResumeToken() {
        return ChangeEvent.tokenAt(position);
    }

    /** Blocks a getMore up to {@code millis} while nothing new is there, as awaitData does. */
    void awaitData(long millis) throws InterruptedException {
        if (!invalidated) {
            log.awaitEventAfter(position, millis);
        }
    }

    @Override
    public synchronized List<Document> takeDocuments(int numberToReturn) {
        int limit = numberToReturn > 0 ? numberToReturn : DEFAULT_BATCH;
        List<Document> batch = new ArrayList<>();
        while (batch.size() < limit && !invalidated) {
            List<ChangeEvent> events = log.eventsAfter(position, limit);
            if (events.isEmpty()) {
                break;
            }
            for (ChangeEvent event : events) {
                position = event.clusterTime();
                if (!scope.includes(event)) {
                    continue;
                }
                batch.addAll(pipeline.runStages(Stream.of(toChangeDocument(event))));
                if (scope.collection() != null && event.isTerminalFor(scope.database(), scope.collection())) {
                    batch.add(invalidate(event));
                    invalidated = true;
                    break;
                }
                if (batch.size() >= limit) {
                    break;
                }
            }
        }
        return batch;
    }

    private Document toChangeDocument(ChangeEvent event) {
        Document change = new Document("_id", event.resumeToken())
                .append("operationType", event.operationType())
                .append("clusterTime", event.clusterTime())
                .append("wallTime", event.wallTime())
                .append("ns", new Document("db", event.database()).append("coll", event.collection()));
        if (event.operationType().equals("drop")) {
            return change;
        }
        change.append("documentKey", new Document("_id", event.documentId()));
        switch (event.operationType()) {
            case "insert", "replace" -> change.append("fullDocument", event.document());
            case "update" -> {
                change.append("updateDescription", event.updateDescription());
                appendLookedUpDocument(change, event);
            }
            default -> {
                // delete: the key only
            }
        }
        return change;
    }

    private void appendLookedUpDocument(Document change, ChangeEvent event) {
        if (fullDocument == FullDocumentMode.DEFAULT) {
            return;
        }
        Document current = log.lookUp(event.database() + "." + event.collection(), event.documentId());
        if (current == null && fullDocument == FullDocumentMode.REQUIRED) {
            throw new MongoServerError(1, "NoMatchingDocument",
                    "fullDocument: required, but the document " + event.documentId() + " no longer exists");
        }
        change.append("fullDocument", current);
    }

    private static Document invalidate(ChangeEvent drop) {
        return new Document("_id", drop.resumeToken())
                .append("operationType", "invalidate")
                .append("clusterTime", drop.clusterTime())
                .append("wallTime", drop.wallTime());
    }
}
