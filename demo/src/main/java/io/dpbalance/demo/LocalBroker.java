package io.dpbalance.demo;

import io.dpbalance.localservices.kafka.KafkaCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The demo's own Kafka broker, run by {@code kafka start|stop} (module localservices) under {@code var/demo/kafka}:
 * fresh data on every run, stopped at the end only if this run started it.
 */
final class LocalBroker implements AutoCloseable {

    private final Path dir;
    private final String bootstrap;
    private boolean started;

    private LocalBroker(Path dir, String bootstrap) {
        this.dir = dir;
        this.bootstrap = bootstrap;
    }

    /**
     * Starts a broker on {@code port} (0: a free one) with empty data.
     *
     * @throws IllegalStateException with the broker's own explanation when it does not come up, or when a broker of
     *                               an earlier demo still runs in {@code dir}
     */
    static LocalBroker start(Path dir, int port) {
        if (run("status", "--dir", dir.toString()) == 0) {
            throw new IllegalStateException("a broker of an earlier demo still runs in " + dir
                    + "; stop it with: bin/dpbalance kafka stop --dir " + dir);
        }
        deleteRecursively(dir.resolve("data"));
        int clientPort = port != 0 ? port : freePort();
        int controllerPort = freePort();
        StringWriter out = new StringWriter();
        int exit = KafkaCommand.commandLine()
                .setOut(new PrintWriter(out))
                .setErr(new PrintWriter(out))
                .execute(
                        "start",
                        "--dir",
                        dir.toString(),
                        "--port",
                        Integer.toString(clientPort),
                        "--controller-port",
                        Integer.toString(controllerPort));
        if (exit != 0) {
            throw new IllegalStateException("the demo's Kafka broker did not start (exit " + exit + "):\n" + out);
        }
        LocalBroker broker = new LocalBroker(dir, "127.0.0.1:" + clientPort);
        broker.started = true;
        return broker;
    }

    String bootstrap() {
        return bootstrap;
    }

    @Override
    public void close() {
        if (started) {
            started = false;
            int exit = run("stop", "--dir", dir.toString());
            if (exit != 0) {
                System.err.println("dpbalance demo: stopping the broker in " + dir + " failed (exit " + exit + ")");
            }
        }
    }

    private static int run(String... args) {
        StringWriter sink = new StringWriter();
        return KafkaCommand.commandLine()
                .setOut(new PrintWriter(sink))
                .setErr(new PrintWriter(sink))
                .execute(args);
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        }
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the old broker data in " + root, e);
        }
    }
}
