package io.dpbalance.localservices.kafka;

import io.dpbalance.localservices.process.LockedCommand;
import io.dpbalance.localservices.process.LogTail;
import io.dpbalance.localservices.process.Ports;
import io.dpbalance.localservices.process.Processes;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bin/dpbalance kafka start}: format the storage on first use, launch the broker, wait until it answers. */
@Command(
        name = "start",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Start the local Kafka broker in the background and wait until it answers a metadata request.",
            "Does nothing if this folder's broker already runs."
        })
final class StartCommand extends LockedCommand<BrokerHome> {

    private static final Pattern HEAP_SIZE = Pattern.compile("[1-9][0-9]*[kKmMgG]?");

    @Mixin
    KafkaDir home;

    @Option(
            names = "--port",
            paramLabel = "PORT",
            defaultValue = "9092",
            description = "Port of the client listener on 127.0.0.1. Default ${DEFAULT-VALUE}.")
    int port;

    @Option(
            names = "--controller-port",
            paramLabel = "PORT",
            defaultValue = "9093",
            description = "Port of the KRaft controller listener on 127.0.0.1. Default ${DEFAULT-VALUE}.")
    int controllerPort;

    @Option(
            names = "--heap",
            paramLabel = "SIZE",
            defaultValue = "${env:DPBALANCE_KAFKA_HEAP:-512m}",
            description = "Maximum heap of the broker JVM (-Xmx), e.g. 512m or 1g. "
                    + "Default $DPBALANCE_KAFKA_HEAP, else 512m.")
    String heap;

    @Option(
            names = "--wait",
            paramLabel = "SECONDS",
            defaultValue = "60",
            description = "How long to wait for the broker to answer before giving up and stopping it. "
                    + "Default ${DEFAULT-VALUE}.")
    int waitSeconds;

    @Override
    protected BrokerHome home() {
        return home.home();
    }

    @Override
    protected void checkFlags() {
        if (!HEAP_SIZE.matcher(heap).matches()) {
            throw new IllegalArgumentException(
                    "--heap (or DPBALANCE_KAFKA_HEAP) must be a JVM size like 512m or 1g, not '" + heap + "'");
        }
        Ports.requirePortNumber(port, "--port");
        Ports.requirePortNumber(controllerPort, "--controller-port");
        if (port == controllerPort) {
            throw new IllegalArgumentException("--port and --controller-port must differ (both are " + port + ")");
        }
    }

    @Override
    protected int locked(BrokerHome h, PrintWriter out, PrintWriter err) throws Exception {
        long started = System.nanoTime();
        OptionalLong running = h.runningPid(err);
        if (running.isPresent()) {
            out.printf(
                    "Kafka is already running: pid %d, bootstrap %s, data %s%n",
                    running.getAsLong(), h.bootstrap(), h.data);
            return 0;
        }
        Ports.requireFree(port, "--port", "Kafka broker", " (clients then bootstrap from 127.0.0.1:PORT)");
        Ports.requireFree(controllerPort, "--controller-port", "Kafka broker", "");
        Files.createDirectories(h.data);
        Files.createDirectories(h.logs);
        Files.writeString(h.serverProperties, ServerProperties.render(h.data, port, controllerPort));
        if (!h.formatted()) {
            format(h, out);
        }
        Map<Path, Long> logMarks = LogTail.marks(h.logFiles());
        Process broker = launch(h);
        h.writePid(BrokerHome.PROCESS, broker.pid());
        String bootstrap = "127.0.0.1:" + port;
        if (!awaitReady(broker, bootstrap, h, logMarks, err)) {
            h.removePid(BrokerHome.PROCESS);
            return 1;
        }
        out.printf("Kafka 4.2.0 broker ready in %.1f s%n", (System.nanoTime() - started) / 1e9);
        out.printf(
                "  bootstrap  %s%n  pid        %d%n  data       %s%n  log        %s%n",
                bootstrap, broker.pid(), h.data, h.logs.resolve("server.log"));
        out.printf("Stop it with: bin/dpbalance kafka stop%s%n", home.flag());
        return 0;
    }

    /** Writes the cluster id and bootstrap metadata into an empty data folder, as kafka-storage.sh format does. */
    private static void format(BrokerHome h, PrintWriter out) throws IOException, InterruptedException {
        String clusterId = Uuid.randomUuid().toString();
        Path formatLog = h.logs.resolve("format.log");
        List<String> command = javaCommand(h, "-Xmx256m");
        command.addAll(
                List.of("kafka.tools.StorageTool", "format", "-t", clusterId, "-c", h.serverProperties.toString()));
        Process format = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(formatLog.toFile())
                .start();
        int exit = format.waitFor();
        if (exit != 0) {
            throw new IllegalStateException("formatting the storage in " + h.data + " failed (exit " + exit + "):\n"
                    + Files.readString(formatLog));
        }
        out.printf("Formatted new storage in %s (cluster id %s)%n", h.data, clusterId);
    }

    /** Starts the broker in the background (its own session), stdout and stderr appended to logs/kafka.out. */
    private Process launch(BrokerHome h) throws IOException {
        List<String> command = javaCommand(h, "-Xmx" + heap);
        command.addAll(List.of(BrokerHome.BROKER_MAIN, h.serverProperties.toString()));
        return Processes.background(command, h.logs.resolve("kafka.out"), null, Map.of());
    }

    /**
     * A JVM on this launcher's own classpath, which is the broker's: kafka_2.13 and logging (beside the Flink
     * launcher's jars, which the broker does not load).
     */
    private static List<String> javaCommand(BrokerHome h, String maxHeap) {
        String log4jConfig =
                StartCommand.class.getResource("/dpbalance-kafka-log4j2.xml").toString();
        return new ArrayList<>(List.of(
                Processes.java(),
                maxHeap,
                // A broker that cannot allocate is broken; exiting lets `start`/`status` see it instead of a zombie.
                "-XX:+ExitOnOutOfMemoryError",
                "-Djava.awt.headless=true",
                "-Dkafka.logs.dir=" + h.logs,
                "-Dlog4j2.configurationFile=" + log4jConfig,
                // Log4j's hook races Kafka's own shutdown and warns into kafka.out; the file appender flushes each
                // line.
                "-Dlog4j2.shutdownHookEnabled=false",
                "-cp",
                System.getProperty("java.class.path")));
    }

    /**
     * Waits until the broker's listener accepts connections and it answers a describe-cluster request. On failure
     * (the process died, or --wait passed) prints why with the log tail, and stops a broker that is still starting.
     */
    private boolean awaitReady(
            Process broker, String bootstrap, BrokerHome h, Map<Path, Long> logMarks, PrintWriter err)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(waitSeconds);
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2000))) {
            while (System.nanoTime() < deadline) {
                if (!broker.isAlive()) {
                    err.printf(
                            "dpbalance kafka start: the broker exited during startup (exit code %d).%n%s",
                            broker.exitValue(), h.logTail(logMarks, 20));
                    return false;
                }
                if (Ports.accepting(bootstrap) && answers(admin)) {
                    return true;
                }
                Thread.sleep(200);
            }
        }
        err.printf(
                "dpbalance kafka start: the broker did not answer at %s within %d s (raise --wait on a busy "
                        + "machine); stopping it.%n%s",
                bootstrap, waitSeconds, h.logTail(logMarks, 20));
        Processes.destroy(List.of(broker), 10);
        return false;
    }

    private static boolean answers(Admin admin) throws InterruptedException {
        try {
            return !admin.describeCluster(new DescribeClusterOptions().timeoutMs(2000))
                    .nodes()
                    .get(3, TimeUnit.SECONDS)
                    .isEmpty();
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }
}
