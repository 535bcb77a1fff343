package dev.sluice.mongo;

import java.util.List;

import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.bson.Document;
import io.netty.channel.Channel;

/**
 * mongo-java-server's in-memory backend, presented to drivers as the primary of a one-member
 * replica set speaking a newer wire version.
 *
 * Why: the emulator reports MongoDB 3.6-5.0 (wire 6-8) and answers only the legacy `ismaster`
 * handshake, while current `mongodb` drivers need wire 9 or newer and switch to `hello` once the
 * server says `helloOk`. Claiming the newer version changes only the handshake: every command is
 * still executed by the emulator, so features it lacks still fail loudly, as they should.
 */
final class ReplicaSetMemoryBackend extends MemoryBackend {
    private final String setName;
    private final String address;

    ReplicaSetMemoryBackend(String setName, String address, MongoVersion version) {
        this.setName = setName;
        this.address = address;
        version(version);
        enableOplog();
    }

    @Override
    public Document handleCommand(Channel channel, String databaseName, String command, Document query) {
        boolean legacyHandshake = command.equalsIgnoreCase("ismaster");
        if (!legacyHandshake && !command.equalsIgnoreCase("hello")) {
            return super.handleCommand(channel, databaseName, command, query);
        }
        Document response = super.handleCommand(channel, databaseName, "ismaster", query);
        if (!legacyHandshake) {
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
