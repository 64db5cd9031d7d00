package io.dpbalance.localservices.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterConfigTest {

    private static ClusterConfig.Settings settings(String prometheus, Map<String, String> extra) {
        return new ClusterConfig.Settings(18081, 16123, 3, "1024m", "1728m", prometheus, extra);
    }

    @Test
    void bindsEverythingToLoopbackAndKeepsFilesInTheClusterFolder(@TempDir Path dir) {
        ClusterHome home = new ClusterHome(dir);
        Map<String, String> c =
                ClusterConfig.of(home, settings("none", Map.of())).toMap();

        assertThat(c)
                .containsEntry("jobmanager.rpc.address", "127.0.0.1")
                .containsEntry("jobmanager.bind-host", "127.0.0.1")
                .containsEntry("taskmanager.bind-host", "127.0.0.1")
                .containsEntry("taskmanager.host", "127.0.0.1")
                .containsEntry("rest.bind-address", "127.0.0.1")
                .containsEntry("rest.port", "18081")
                .containsEntry("jobmanager.rpc.port", "16123")
                .containsEntry("taskmanager.numberOfTaskSlots", "3")
                .containsEntry("io.tmp.dirs", dir.resolve("tmp").toString())
                .containsEntry(
                        "execution.checkpointing.dir",
                        dir.resolve("checkpoints").toUri().toString());
        assertThat(c.keySet()).noneMatch(k -> k.startsWith("metrics.reporter"));
    }

    @Test
    void prometheusReporterOnlyWhenAsked(@TempDir Path dir) {
        Map<String, String> c = ClusterConfig.of(new ClusterHome(dir), settings("9249-9260", Map.of()))
                .toMap();
        assertThat(c)
                .containsEntry("metrics.reporter.prom.port", "9249-9260")
                .containsEntry(
                        "metrics.reporter.prom.factory.class",
                        "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
    }

    @Test
    void userEntriesOverrideTheDefaultsAndFlinkReadsThemBack(@TempDir Path dir) throws IOException {
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("parallelism.default", "2");
        extra.put("state.backend.type", "rocksdb");
        extra.put("pipeline.name", "it's a: job # with odd characters");
        extra.put("odd.empty", "");
        extra.put("odd.null", "null");
        ClusterHome home = new ClusterHome(dir.resolve("a folder with spaces"));
        Configuration written = ClusterConfig.of(home, settings("none", extra));
        Files.createDirectories(home.conf);
        ClusterConfig.write(written, home.configFile);

        Configuration read = ClusterConfig.read(home);

        assertThat(read.toMap())
                .isEqualTo(written.toMap())
                .containsEntry("parallelism.default", "2")
                .containsEntry("pipeline.name", "it's a: job # with odd characters")
                .containsEntry("io.tmp.dirs", home.tmp.toString());
        assertThat(read.get(CoreOptions.DEFAULT_PARALLELISM)).isEqualTo(2);
        assertThat(read.get(TaskManagerOptions.NUM_TASK_SLOTS)).isEqualTo(3);
        assertThat(read.get(JobManagerOptions.TOTAL_PROCESS_MEMORY)).isEqualTo(MemorySize.parse("1024m"));
        assertThat(Files.readString(home.configFile))
                .startsWith("# Written by `bin/dpbalance flink start`")
                .contains("odd.null: 'null'", "odd.empty: ''", "pipeline.name: 'it''s a: job # with odd characters'");
    }

    @Test
    void keysThatAreNotFlinkOptionsAreRefused(@TempDir Path dir) {
        assertThatThrownBy(() -> ClusterConfig.of(new ClusterHome(dir), settings("none", Map.of("bad key: x", "1"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-D bad key: x=1: expected a Flink option key");
    }
}
