package io.dpbalance.localservices.flink;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ClusterOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ConfigurationUtils;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.configuration.WebOptions;
import org.apache.flink.metrics.prometheus.PrometheusReporterFactory;

/**
 * The cluster's conf/config.yaml, as a Flink {@link Configuration}: every process on loopback only, its folders under
 * the cluster's, the memory and slots of the command line, then the user's {@code -D} entries. Written and read back
 * by Flink's own YAML code, as its processes read it.
 */
final class ClusterConfig {

    static final String HOST = "127.0.0.1";

    /** Keys of Flink options: dotted words. */
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    /** The port (or range) of Flink's Prometheus reporter ({@code metrics.reporter.NAME.port}). */
    private static final ConfigOption<String> PROMETHEUS_PORT =
            ConfigOptions.key("port").stringType().noDefaultValue();

    private ClusterConfig() {}

    /** What {@code bin/dpbalance flink start} chose: the flags of the command line. */
    record Settings(
            int restPort,
            int rpcPort,
            int slots,
            String jobManagerMemory,
            String taskManagerMemory,
            String prometheusPorts,
            Map<String, String> extra) {}

    static Configuration of(ClusterHome home, Settings s) {
        Configuration c = new Configuration();
        c.set(JobManagerOptions.ADDRESS, HOST);
        c.set(JobManagerOptions.PORT, s.rpcPort());
        c.set(JobManagerOptions.BIND_HOST, HOST);
        c.set(JobManagerOptions.TOTAL_PROCESS_MEMORY, MemorySize.parse(s.jobManagerMemory()));
        c.set(JobManagerOptions.EXECUTION_FAILOVER_STRATEGY, "region");
        c.set(TaskManagerOptions.BIND_HOST, HOST);
        c.set(TaskManagerOptions.HOST, HOST);
        c.set(TaskManagerOptions.TOTAL_PROCESS_MEMORY, MemorySize.parse(s.taskManagerMemory()));
        c.set(TaskManagerOptions.NUM_TASK_SLOTS, s.slots());
        // All processes start at once; a TaskManager that finds no ResourceManager yet retries after this (Flink's
        // 10 s default would add 10 s to every start).
        c.set(ClusterOptions.ERROR_REGISTRATION_DELAY, Duration.ofSeconds(1));
        c.set(CoreOptions.DEFAULT_PARALLELISM, 1);
        c.set(RestOptions.ADDRESS, HOST);
        c.set(RestOptions.BIND_ADDRESS, HOST);
        c.set(RestOptions.PORT, s.restPort());
        c.set(CoreOptions.TMP_DIRS, home.tmp.toString());
        c.set(WebOptions.TMP_DIR, home.tmp.resolve("web").toString());
        c.set(WebOptions.UPLOAD_DIR, home.tmp.resolve("web-upload").toString());
        c.set(
                CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                home.checkpoints.toUri().toString());
        c.set(CheckpointingOptions.SAVEPOINT_DIRECTORY, home.savepoints.toUri().toString());
        if (!s.prometheusPorts().equals("none")) {
            MetricOptions.forReporter(c, "prom")
                    .set(MetricOptions.REPORTER_FACTORY_CLASS, PrometheusReporterFactory.class.getName())
                    .set(PROMETHEUS_PORT, s.prometheusPorts());
        }
        for (Map.Entry<String, String> e : s.extra().entrySet()) {
            if (!KEY.matcher(e.getKey()).matches()) {
                throw new IllegalArgumentException("-D " + e.getKey() + "=" + e.getValue()
                        + ": expected a Flink option key such as state.backend.type");
            }
        }
        c.addAll(Configuration.fromMap(s.extra()));
        return c;
    }

    /** Writes {@code config} as flat {@code key: value} lines (Flink's YAML), sorted by key. */
    static void write(Configuration config, Path file) throws IOException {
        List<String> lines = new ArrayList<>(List.of("# Written by `bin/dpbalance flink start` on every start: pass -D "
                + "KEY=VALUE to it instead of editing this file."));
        ConfigurationUtils.convertConfigToWritableLines(config, true).stream()
                .sorted()
                .forEach(lines::add);
        Files.write(file, lines);
    }

    /** Reads conf/config.yaml back as the cluster's processes read it. */
    static Configuration read(ClusterHome home) throws IOException {
        if (!Files.exists(home.configFile)) {
            throw new NoSuchFileException(home.configFile.toString());
        }
        return GlobalConfiguration.loadConfiguration(home.conf.toString());
    }

    /** host:port of the REST endpoint of the cluster whose configuration this is. */
    static String restEndpoint(Configuration config) {
        return config.get(RestOptions.ADDRESS) + ":" + config.get(RestOptions.PORT);
    }
}
