package traindx;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.io.ByteUnit;

/**
 * Starts a real Neo4j Community 5.26 DBMS (embedded kernel + Bolt server) for
 * local development and CI. Auth is off, only Bolt on 127.0.0.1 is enabled.
 *
 * <p>Usage: {@code java -jar neo4j-launcher.jar [HOME_DIR]}; HOME_DIR defaults
 * to env NEO4J_HOME_DIR. Port: env NEO4J_BOLT_PORT (default 7687). Prints
 * {@code NEO4J_READY bolt://127.0.0.1:PORT} once the default database is
 * available, then blocks until the JVM is told to stop (SIGTERM/SIGINT).
 */
public final class Neo4jLauncher {
    private static final String HOST = "127.0.0.1";
    private static final String DEFAULT_DB = GraphDatabaseSettings.DEFAULT_DATABASE_NAME; // "neo4j"
    private static final Duration DB_START_TIMEOUT = Duration.ofSeconds(120);

    private Neo4jLauncher() {}

    public static void main(String[] args) throws Exception {
        String homeArg = args.length > 0 ? args[0] : System.getenv("NEO4J_HOME_DIR");
        if (homeArg == null || homeArg.isBlank()) {
            fail("no home directory: pass it as the first argument or set NEO4J_HOME_DIR", null);
            return;
        }
        int port = parsePort(System.getenv("NEO4J_BOLT_PORT"));
        Path home = Path.of(homeArg).toAbsolutePath();
        Files.createDirectories(home);

        System.out.println("NEO4J_STARTING home=" + home + " bolt=" + HOST + ":" + port);
        System.out.flush();

        final DatabaseManagementService dbms;
        try {
            dbms = new DatabaseManagementServiceBuilder(home)
                    .setConfig(BoltConnector.enabled, true)
                    .setConfig(BoltConnector.listen_address, new SocketAddress(HOST, port))
                    .setConfig(BoltConnector.advertised_address, new SocketAddress(HOST, port))
                    .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                    .setConfig(HttpConnector.enabled, false)
                    .setConfig(HttpsConnector.enabled, false)
                    .setConfig(GraphDatabaseSettings.auth_enabled, false)
                    .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(64))
                    // Throw-away data: keep as little transaction log as allowed.
                    .setConfig(GraphDatabaseSettings.keep_logical_logs, "1 files")
                    .setConfig(GraphDatabaseSettings.logical_log_rotation_threshold, ByteUnit.mebiBytes(16))
                    .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                    // Bolt shuts down two netty event loop groups, each with a 5 s quiet
                    // period by default (~10 s per stop). Nothing to drain here.
                    .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                    .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_timeout, Duration.ofSeconds(5))
                    .build();
        } catch (Throwable t) {
            fail("DBMS failed to start", t);
            return;
        }

        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean shutdownDone = new AtomicBoolean(false);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (shutdownDone.compareAndSet(false, true)) {
                System.out.println("NEO4J_STOPPING");
                System.out.flush();
                try {
                    dbms.shutdown();
                } catch (Throwable t) {
                    System.err.println("NEO4J shutdown error: " + t);
                }
                System.out.println("NEO4J_STOPPED");
                System.out.flush();
            }
            stopped.countDown();
        }, "neo4j-launcher-shutdown"));

        try {
            GraphDatabaseService db = dbms.database(DEFAULT_DB);
            long deadline = System.nanoTime() + DB_START_TIMEOUT.toNanos();
            while (!db.isAvailable(TimeUnit.SECONDS.toMillis(1))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("database '" + DEFAULT_DB + "' not available after "
                            + DB_START_TIMEOUT.toSeconds() + " s");
                }
            }
            // Prove the database really answers before declaring readiness.
            db.executeTransactionally("RETURN 1");
        } catch (Throwable t) {
            fail("default database '" + DEFAULT_DB + "' did not become available", t);
            return;
        }

        System.out.println("NEO4J_READY bolt://" + HOST + ":" + port);
        System.out.flush();

        stopped.await();
    }

    private static int parsePort(String raw) {
        if (raw == null || raw.isBlank()) {
            return 7687;
        }
        try {
            int p = Integer.parseInt(raw.trim());
            if (p < 1 || p > 65535) {
                throw new NumberFormatException("out of range");
            }
            return p;
        } catch (NumberFormatException e) {
            fail("NEO4J_BOLT_PORT is not a valid port: '" + raw + "'", null);
            return -1; // unreachable
        }
    }

    private static void fail(String message, Throwable cause) {
        System.err.println("NEO4J_FAILED " + message);
        if (cause != null) {
            cause.printStackTrace(System.err);
        }
        System.err.flush();
        // halt: skip shutdown hooks; a half-started DBMS must not keep the JVM alive.
        Runtime.getRuntime().halt(1);
    }
}
