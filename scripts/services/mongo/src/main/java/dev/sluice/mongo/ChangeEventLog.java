package dev.sluice.mongo;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.backend.Cursor;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.aggregation.Aggregation;
import de.bwaldvogel.mongo.bson.BsonTimestamp;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.exception.MongoServerError;
import de.bwaldvogel.mongo.oplog.Oplog;

/**
 * The emulator's change-stream history: an in-memory, bounded, ordered log of changes that
 * produces events shaped as MongoDB 4.4+ does (ns, documentKey, updateDescription, replace as its
 * own operation type, drop + invalidate), resumable by token or cluster time.
 *
 * It replaces mongo-java-server's own oplog, whose update events carry the update spec as the
 * documentKey, report replacements as updates, omit ns, and rescan the whole oplog on every
 * getMore. When more than {@code maxEvents} changes are kept the oldest are dropped; resuming
 * from a dropped position fails with code 286 (ChangeStreamHistoryLost), as a real server
 * does once its oplog has rolled over.
 */
final class ChangeEventLog implements Oplog {
    static final int CHANGE_STREAM_HISTORY_LOST = 286;

    private final ReplicaSetMemoryBackend backend;
    private final CursorRegistry cursorRegistry;
    private final Clock clock;
    private final int maxEvents;
    private final AtomicInteger increment = new AtomicInteger();
    private final List<ChangeEvent> events = new ArrayList<>();
    /** Cluster time of the newest event dropped for space; null while nothing was dropped. */
    private BsonTimestamp droppedUpTo;

    ChangeEventLog(ReplicaSetMemoryBackend backend, CursorRegistry cursorRegistry, Clock clock, int maxEvents) {
        this.backend = backend;
        this.cursorRegistry = cursorRegistry;
        this.clock = clock;
        this.maxEvents = maxEvents;
    }

    @Override
    public void handleInsert(String namespace, List<Document> documents) {
        for (Document document : documents) {
            append(namespace, "insert", document.get("_id"), document.cloneDeeply(), null);
        }
    }

    @Override
    public void handleUpdate(String namespace, Document selector, Document update, List<Object> modifiedIds) {
        boolean replacement = update.keySet().stream().noneMatch(key -> key.startsWith("$"));
        for (Object id : modifiedIds) {
            if (replacement) {
                Document document = update.cloneDeeply();
                document.put("_id", id);
                append(namespace, "replace", id, document, null);
            } else {
                Document current = lookUp(namespace, id);
                append(namespace, "update", id, null, UpdateDescriptions.describe(update, current));
            }
        }
    }

    @Override
    public void handleDelete(String namespace, Document query, List<Object> deletedIds) {
        for (Object id : deletedIds) {
            append(namespace, "delete", id, null, null);
        }
    }

    @Override
    public void handleDropCollection(String namespace) {
        append(namespace, "drop", null, null, null);
    }

    @Override
    public Cursor createCursor(Document changeStream, String namespace, Aggregation aggregation) {
        ChangeStreamScope scope = ChangeStreamScope.of(namespace, changeStream);
        ChangeStreamCursor cursor = new ChangeStreamCursor(cursorRegistry.generateCursorId(), this, scope,
                aggregation, FullDocumentMode.of(changeStream), startPosition(changeStream));
        cursorRegistry.add(cursor);
        return cursor;
    }

    /** The cluster time a new cursor reads strictly after. */
    private BsonTimestamp startPosition(Document changeStream) {
        Document token = (Document) changeStream.getOrDefault("startAfter", changeStream.get("resumeAfter"));
        if (token != null) {
            BsonTimestamp after = ChangeEvent.timeOfToken(token);
            checkRetained(after);
            return after;
        }
        Object startAt = changeStream.get("startAtOperationTime");
        if (startAt instanceof BsonTimestamp time) {
            BsonTimestamp justBefore = new BsonTimestamp(time.getValue() - 1);
            checkRetained(justBefore);
            return justBefore;
        }
        return now();
    }

    synchronized BsonTimestamp now() {
        return events.isEmpty() ? new BsonTimestamp(clock.instant(), 0) : events.get(events.size() - 1).clusterTime();
    }

    /** Events strictly after {@code after}, oldest first, at most {@code limit}. */
    synchronized List<ChangeEvent> eventsAfter(BsonTimestamp after, int limit) {
        checkRetained(after);
        int from = firstIndexAfter(after);
        return new ArrayList<>(events.subList(from, Math.min(events.size(), from + limit)));
    }

    /**
     * Waits up to {@code millis} for an event after {@code after}; returns at once if there is one.
     * It asks for an event, not for a later {@link #now()}: with an empty log now() is the clock,
     * which is always past a cursor's start, and a getMore returning at once makes an idle change
     * stream spin (a driver sends the next getMore straight away).
     */
    synchronized void awaitEventAfter(BsonTimestamp after, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        for (long left = millis; left > 0 && !hasEventAfter(after); left = deadline - System.currentTimeMillis()) {
            wait(left);
        }
    }

    private boolean hasEventAfter(BsonTimestamp after) {
        return !events.isEmpty() && events.get(events.size() - 1).clusterTime().compareTo(after) > 0;
    }

    Document lookUp(String namespace, Object id) {
        int dot = namespace.indexOf('.');
        MongoCollection<?> collection = backend.resolveDatabase(namespace.substring(0, dot))
                .resolveCollection(namespace.substring(dot + 1), false);
        if (collection == null) {
            return null;
        }
        for (Document document : collection.handleQuery(new Document("_id", id), 0, 1)) {
            return document;
        }
        return null;
    }

    private synchronized void append(String namespace, String operationType, Object id, Document document,
                                     Document updateDescription) {
        int dot = namespace.indexOf('.');
        BsonTimestamp time = new BsonTimestamp(clock.instant(), increment.incrementAndGet());
        events.add(new ChangeEvent(time, clock.instant(), namespace.substring(0, dot), namespace.substring(dot + 1),
                operationType, id, document, updateDescription));
        if (events.size() > maxEvents) {
            List<ChangeEvent> oldest = events.subList(0, Math.max(1, maxEvents / 10));
            droppedUpTo = oldest.get(oldest.size() - 1).clusterTime();
            oldest.clear();
        }
        notifyAll();
    }

    private void checkRetained(BsonTimestamp after) {
        if (droppedUpTo != null && after.compareTo(droppedUpTo) < 0) {
            throw new MongoServerError(CHANGE_STREAM_HISTORY_LOST, "ChangeStreamHistoryLost",
                    "Resume of change stream was not possible, as the resume point may no longer be in the oplog.");
        }
    }

    private int firstIndexAfter(BsonTimestamp after) {
        int low = 0;
        int high = events.size();
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (events.get(middle).clusterTime().compareTo(after) <= 0) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }
}
