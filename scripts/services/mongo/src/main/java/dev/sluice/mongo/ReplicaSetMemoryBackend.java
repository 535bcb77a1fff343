package dev.sluice.mongo;

import java.util.List;

import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.backend.Cursor;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.oplog.Oplog;
import io.netty.channel.Channel;

/**
 * mongo-java-server's in-memory backend, presented to drivers as the primary of a one-member
 * replica set speaking a newer wire version, with change streams served by {@link ChangeEventLog}.
 *
 * Why the handshake: the emulator reports MongoDB 3.6-5.0 (wire 6-8) and answers only the legacy
 * `ismaster`, while current `mongodb` drivers need wire 9 or newer and switch to `hello` once the
 * server says `helloOk`. Claiming the newer version changes only the handshake: every command is
 * still executed by the emulator, so features it lacks still fail loudly, as they should.
 */
final class ReplicaSetMemoryBackend extends MemoryBackend {
    /** Longest a change stream's getMore waits for new events (a driver's default is 1 s). */
    private static final long MAX_AWAIT_MS = 1000;

    static final String EMULATOR = "mongo-java-server 1.47.0 with the Sluice launcher";

    private final String setName;
    private final String address;
    private final int maxChangeEvents;

    ReplicaSetMemoryBackend(String setName, String address, MongoVersion version, int maxChangeEvents) {
        this.setName = setName;
        this.address = address;
        this.maxChangeEvents = maxChangeEvents;
        version(version);
        enableOplog();
    }

    @Override
    protected Oplog createOplog() {
        return new ChangeEventLog(this, getCursorRegistry(), getClock(), maxChangeEvents);
    }

    @Override
    public Document handleCommand(Channel channel, String databaseName, String command, Document query) {
        if (command.equalsIgnoreCase("ismaster") || command.equalsIgnoreCase("hello")) {
            return handshake(channel, databaseName, command, query);
        }
        if (command.equalsIgnoreCase("buildinfo")) {
            // lets tests, demo and benchmarks say which server they ran against
            return super.handleCommand(channel, databaseName, command, query).append("emulator", EMULATOR);
        }
        if (command.equals("getMore")) {
            awaitChangeStreamData(query);
        }
        if (command.equals("aggregate") && databaseName.equals("admin")) {
            // client.watch(): the stock backend has no admin aggregate; run it as a database command
            return withPostBatchResumeToken(
                    resolveDatabase(databaseName).handleCommand(channel, command, query, this::resolveDatabase, oplog));
        }
        Document response = super.handleCommand(channel, databaseName, command, query);
        return command.equals("getMore") || command.equals("aggregate") ? withPostBatchResumeToken(response) : response;
    }

    /** A change stream's replies carry postBatchResumeToken, as MongoDB 4.0.7+ sends it. */
    private Document withPostBatchResumeToken(Document response) {
        if (response.get("cursor") instanceof Document cursor && cursor.get("id") instanceof Number id
                && id.longValue() != 0 && changeStreamOf(id.longValue()) instanceof ChangeStreamCursor changeStream) {
            cursor.put("postBatchResumeToken", changeStream.postBatchResumeToken());
        }
        return response;
    }

    private Cursor changeStreamOf(long cursorId) {
        try {
            return getCursorRegistry().getCursor(cursorId);
        } catch (RuntimeException notFound) {
            return null; // an ordinary cursor already exhausted and closed
        }
    }

    private void awaitChangeStreamData(Document query) {
        if (!(query.get("getMore") instanceof Number cursorId)) {
            return;
        }
        Cursor cursor = getCursorRegistry().getCursor(cursorId.longValue());
        if (cursor instanceof ChangeStreamCursor changeStream) {
            long maxTime = query.get("maxTimeMS") instanceof Number ms ? ms.longValue() : MAX_AWAIT_MS;
            try {
                changeStream.awaitData(Math.min(maxTime, MAX_AWAIT_MS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private Document handshake(Channel channel, String databaseName, String command, Document query) {
        Document response = super.handleCommand(channel, databaseName, "ismaster", query);
        if (command.equalsIgnoreCase("hello")) {
            response.remove("ismaster");
        }
        response.put("isWritablePrimary", Boolean.TRUE);
        response.put("helloOk", Boolean.TRUE);
        response.put("secondary", Boolean.FALSE);
        response.put("setName", setName);
        response.put("setVersion", 1);
        response.put("hosts", List.of(address));
        response.put("primary", address);
        response.put("me", address);
        response.put("logicalSessionTimeoutMinutes", 30);
        return response;
    }
}
