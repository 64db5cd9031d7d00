package io.dpbalance.localservices.kafka;

import io.dpbalance.localservices.process.LogTail;
import io.dpbalance.localservices.process.ServiceHome;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;

/** The folder of one local broker: its generated server.properties, data/, logs/ and the pid file kafka.pid. */
final class BrokerHome extends ServiceHome {

    /** The broker's main class; a process whose command line lacks it is not a broker of ours. */
    static final String BROKER_MAIN = "kafka.Kafka";

    /** The broker process, which names its pid file. */
    static final String PROCESS = "kafka";

    final Path data;
    final Path logs;
    final Path serverProperties;

    BrokerHome(Path dir) {
        super(dir);
        this.data = this.dir.resolve("data");
        this.logs = this.dir.resolve("logs");
        this.serverProperties = this.dir.resolve("server.properties");
    }

    /**
     * The pid of this folder's broker if it runs: {@value #BROKER_MAIN} on this folder's server.properties. A stale
     * pid file is removed, and that is said on {@code err}.
     */
    OptionalLong runningPid(PrintWriter err) throws IOException {
        return runningPid(
                PROCESS, args -> args.contains(BROKER_MAIN) && args.contains(serverProperties.toString()), err);
    }

    boolean formatted() {
        return Files.exists(data.resolve("meta.properties"));
    }

    /** host:port that clients bootstrap from, as the last start wrote it into server.properties. */
    String bootstrap() {
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(serverProperties)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + serverProperties + ": " + e.getMessage(), e);
        }
        String advertised = p.getProperty("advertised.listeners", "");
        return advertised.substring(advertised.indexOf("://") + 3);
    }

    /** The logs a broker writes: its stdout/stderr, and its log4j log. */
    List<Path> logFiles() {
        return List.of(logs.resolve("kafka.out"), logs.resolve("server.log"));
    }

    /** The last {@code lines} lines the logs got since {@code marks} ({@link LogTail#marks}). */
    String logTail(Map<Path, Long> marks, int lines) {
        return LogTail.since(logFiles(), marks, lines);
    }
}
