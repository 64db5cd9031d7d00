package io.dpbalance.flinkcluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The cluster's conf/config.yaml (Flink 2.x's YAML configuration, flat keys): every process on loopback only, its
 * folders under the cluster's, the memory and slots of the command line, then the user's {@code -D} entries.
 */
final class ClusterConfig {

    static final String HOST = "127.0.0.1";

    /** Keys of Flink options: dotted words. */
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    /** Values that YAML reads back as the same plain string (no quoting needed). */
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./][A-Za-z0-9_./:=,-]*");

    private ClusterConfig() {
    }

    /** What {@code bin/dpbalance flink start} chose: the flags of the command line. */
    record Settings(int restPort, int rpcPort, int slots, String jobManagerMemory, String taskManagerMemory,
            String prometheusPorts, Map<String, String> extra) {
    }

    /** The entries of config.yaml, in the order they are written. */
    static Map<String, String> entries(ClusterHome home, Settings s) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("jobmanager.rpc.address", HOST);
        c.put("jobmanager.rpc.port", Integer.toString(s.rpcPort()));
        c.put("jobmanager.bind-host", HOST);
        c.put("jobmanager.memory.process.size", s.jobManagerMemory());
        c.put("jobmanager.execution.failover-strategy", "region");
        c.put("taskmanager.bind-host", HOST);
        c.put("taskmanager.host", HOST);
        c.put("taskmanager.memory.process.size", s.taskManagerMemory());
        c.put("taskmanager.numberOfTaskSlots", Integer.toString(s.slots()));
        // All processes start at once; a TaskManager that finds no ResourceManager yet retries after this (Flink's
        // 10 s default would add 10 s to every start).
        c.put("cluster.registration.error-delay", "1s");
        c.put("parallelism.default", "1");
        c.put("rest.address", HOST);
        c.put("rest.bind-address", HOST);
        c.put("rest.port", Integer.toString(s.restPort()));
        c.put("io.tmp.dirs", home.tmp.toString());
        c.put("web.tmpdir", home.tmp.resolve("web").toString());
        c.put("web.upload.dir", home.tmp.resolve("web-upload").toString());
        c.put("execution.checkpointing.dir", home.checkpoints.toUri().toString());
        c.put("execution.checkpointing.savepoint-dir", home.savepoints.toUri().toString());
        if (!s.prometheusPorts().equals("none")) {
            c.put("metrics.reporter.prom.factory.class",
                    "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
            c.put("metrics.reporter.prom.port", s.prometheusPorts());
        }
        for (Map.Entry<String, String> e : s.extra().entrySet()) {
            if (!KEY.matcher(e.getKey()).matches()) {
                throw new IllegalArgumentException("-D " + e.getKey() + "=" + e.getValue()
                        + ": expected a Flink option key such as state.backend.type");
            }
            c.put(e.getKey(), e.getValue());
        }
        return c;
    }

    static String render(Map<String, String> entries) {
        StringBuilder sb = new StringBuilder("# Written by `bin/dpbalance flink start` on every start: pass -D "
                + "KEY=VALUE to it instead of editing this file.\n");
        entries.forEach((key, value) -> sb.append(key).append(": ").append(quote(value)).append('\n'));
        return sb.toString();
    }

    /** Reads back what {@link #render} wrote (flat {@code key: value} lines). */
    static Map<String, String> read(Path file) throws IOException {
        Map<String, String> entries = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            int colon = line.indexOf(": ");
            if (line.isBlank() || line.startsWith("#") || colon < 0) {
                continue;
            }
            entries.put(line.substring(0, colon).strip(), unquote(line.substring(colon + 2).strip()));
        }
        return entries;
    }

    /** host:port of the REST endpoint of the cluster whose config.yaml this is. */
    static String restEndpoint(ClusterHome home) throws IOException {
        Map<String, String> c = read(home.configFile);
        return c.getOrDefault("rest.address", HOST) + ":" + c.getOrDefault("rest.port", "8081");
    }

    private static String quote(String value) {
        boolean plain = PLAIN.matcher(value).matches() && !value.equalsIgnoreCase("null");
        return plain ? value : "'" + value.replace("'", "''") + "'";
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("'") && value.endsWith("'")
                ? value.substring(1, value.length() - 1).replace("''", "'")
                : value;
    }
}
