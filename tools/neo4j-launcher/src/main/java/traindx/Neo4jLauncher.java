package traindx;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.neo4j.configuration.Config;
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
import org.neo4j.io.fs.DefaultFileSystemAbstraction;
import org.neo4j.kernel.impl.security.User;
import org.neo4j.logging.NullLogProvider;
import org.neo4j.memory.EmptyMemoryTracker;
import org.neo4j.server.security.SecureHasher;
import org.neo4j.server.security.SystemGraphCredential;
import org.neo4j.server.security.auth.CommunitySecurityModule;
import org.neo4j.server.security.auth.FileUserRepository;

/**
 * Starts a real Neo4j Community 5.26 DBMS (embedded kernel + Bolt server) for
 * local development and CI. Only Bolt on 127.0.0.1 is enabled, with auth on:
 * user {@code neo4j}, password read from the file named by env
 * NEO4J_PASSWORD_FILE (a file, not an argument or variable, so that no other
 * local user can read it from the process table).
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
        String password = readPassword(System.getenv("NEO4J_PASSWORD_FILE"));
        Path home = Path.of(homeArg).toAbsolutePath();
        Files.createDirectories(home);
        try {
            writeInitialPassword(home, password);
        } catch (Throwable t) {
            fail("could not write the initial password of user 'neo4j'", t);
            return;
        }

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
                    .setConfig(GraphDatabaseSettings.auth_enabled, true)
                    // No lockout after failed logins (Neo4j's default: 5 s after 3): with a
                    // 192-bit password it stops no guessing, but lets any local user, or a
                    // stale client holding an old password, lock the real clients out.
                    .setConfig(GraphDatabaseSettings.auth_max_failed_attempts, 0)
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

    /** The password in the file, without its line end; fails on a missing file or one shorter than Neo4j's minimum. */
    private static String readPassword(String file) {
        if (file == null || file.isBlank()) {
            fail("NEO4J_PASSWORD_FILE is not set: auth is always on, and the password of user 'neo4j' is read from it", null);
        }
        String password;
        try {
            password = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
        } catch (Exception e) {
            fail("could not read NEO4J_PASSWORD_FILE '" + file + "'", e);
            return null; // unreachable
        }
        // Neo4j's default dbms.security.auth_minimum_password_length.
        if (password.length() < 8) {
            fail("the password in NEO4J_PASSWORD_FILE has fewer than 8 characters", null);
        }
        return password;
    }

    /**
     * Writes what {@code neo4j-admin dbms set-initial-password} writes: the
     * auth store's initial user file (data/dbms/auth.ini), which the system
     * database reads once, when it is created. The data dir is new at every
     * start, so the user exists with this password, and no password change
     * required, from the first Bolt connection on: there is no moment at which
     * the default neo4j/neo4j would be accepted.
     */
    private static void writeInitialPassword(Path home, String password) throws Exception {
        Config config = Config.newBuilder().set(GraphDatabaseSettings.neo4j_home, home).build();
        Path file = CommunitySecurityModule.getInitialUserRepositoryFile(config);
        Files.createDirectories(file.getParent());
        Files.deleteIfExists(file);
        FileUserRepository users = new FileUserRepository(new DefaultFileSystemAbstraction(), file,
                NullLogProvider.getInstance(), EmptyMemoryTracker.INSTANCE);
        users.start();
        try {
            SystemGraphCredential credential = SystemGraphCredential.createCredentialForPassword(
                    password.getBytes(StandardCharsets.UTF_8), new SecureHasher());
            users.create(new User("neo4j", null, credential, false, false));
        } finally {
            users.shutdown();
        }
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
