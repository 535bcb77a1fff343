package dev.sluice.mongo;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.MongoVersion;

/**
 * Starts the MongoDB-wire emulator: `java -cp ... dev.sluice.mongo.EmulatorLauncher
 * --host 127.0.0.1 --port 27017 --set-name rs0 --version 4.4.0 --wire-version 9
 * --max-change-events 200000`.
 * Prints one "ready" line once it listens; stops cleanly on SIGTERM.
 */
public final class EmulatorLauncher {
    private static final int WORKER_THREADS = 64;

    private EmulatorLauncher() {
    }

    public static void main(String[] args) throws InterruptedException {
        Options options = Options.parse(args);
        String address = options.host + ":" + options.port;
        MongoServer server = new MongoServer(
                new ReplicaSetMemoryBackend(options.setName, address, options.version(), options.maxChangeEvents));
        // A change stream's getMore may wait for data on its event-loop thread: give each
        // connection room so one waiting stream does not hold up others.
        server.bind(new InetSocketAddress(options.host, options.port), 1, WORKER_THREADS);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdownNow();
            stopped.countDown();
        }));
        System.out.println("sluice mongo emulator ready on " + address + " replicaSet=" + options.setName
                + " version=" + options.version + " wire=" + options.wireVersion);
        stopped.await();
    }

    private static final class Options {
        String host = "127.0.0.1";
        int port = 27017;
        String setName = "rs0";
        String version = "4.4.0";
        int wireVersion = 9;
        // each kept event holds its document: 1 000 000 small events exhausted the 512 MB heap
        // the service script gives it (hundreds of thousands of benchmark inserts did just that)
        int maxChangeEvents = 200_000;

        static Options parse(String[] args) {
            Options options = new Options();
            for (int i = 0; i < args.length; i += 2) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("option " + args[i] + " needs a value");
                }
                String value = args[i + 1];
                switch (args[i]) {
                    case "--host" -> options.host = value;
                    case "--port" -> options.port = Integer.parseInt(value);
                    case "--set-name" -> options.setName = value;
                    case "--version" -> options.version = value;
                    case "--wire-version" -> options.wireVersion = Integer.parseInt(value);
                    case "--max-change-events" -> options.maxChangeEvents = Integer.parseInt(value);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            return options;
        }

        MongoVersion version() {
            List<Integer> parts = new ArrayList<>();
            for (String part : version.split("\\.")) {
                parts.add(Integer.valueOf(part));
            }
            int wire = wireVersion;
            return new MongoVersion() {
                @Override
                public List<Integer> getVersionArray() {
                    return List.copyOf(parts);
                }

                @Override
                public int getWireVersion() {
                    return wire;
                }
            };
        }
    }
}
