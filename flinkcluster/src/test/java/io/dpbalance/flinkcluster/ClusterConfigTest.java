package io.dpbalance.flinkcluster;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClusterConfigTest {

    private static ClusterConfig.Settings settings(String prometheus, Map<String, String> extra) {
        return new ClusterConfig.Settings(18081, 16123, 3, "1024m", "1728m", prometheus, extra);
    }

    @Test
    void bindsEverythingToLoopbackAndKeepsFilesInTheClusterFolder(@TempDir Path dir) {
        ClusterHome home = new ClusterHome(dir);
        Map<String, String> c = ClusterConfig.entries(home, settings("none", Map.of()));

        assertThat(c).containsEntry("jobmanager.rpc.address", "127.0.0.1")
                .containsEntry("jobmanager.bind-host", "127.0.0.1")
                .containsEntry("taskmanager.bind-host", "127.0.0.1")
                .containsEntry("taskmanager.host", "127.0.0.1")
                .containsEntry("rest.bind-address", "127.0.0.1")
                .containsEntry("rest.port", "18081")
                .containsEntry("jobmanager.rpc.port", "16123")
                .containsEntry("taskmanager.numberOfTaskSlots", "3")
                .containsEntry("io.tmp.dirs", dir.resolve("tmp").toString())
                .containsEntry("execution.checkpointing.dir", dir.resolve("checkpoints").toUri().toString());
        assertThat(c.keySet()).noneMatch(k -> k.startsWith("metrics.reporter"));
    }

    @Test
    void prometheusReporterOnlyWhenAsked(@TempDir Path dir) {
        Map<String, String> c = ClusterConfig.entries(new ClusterHome(dir), settings("9249-9260", Map.of()));
        assertThat(c).containsEntry("metrics.reporter.prom.port", "9249-9260")
                .containsKey("metrics.reporter.prom.factory.class");
    }

    @Test
    void userEntriesOverrideTheDefaultsAndRoundTrip(@TempDir Path dir) throws IOException {
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("parallelism.default", "2");
        extra.put("state.backend.type", "rocksdb");
        extra.put("pipeline.name", "it's a: job # with odd characters");
        extra.put("odd.empty", "");
        extra.put("odd.null", "null");
        ClusterHome home = new ClusterHome(dir.resolve("a folder with spaces"));
        Map<String, String> written = ClusterConfig.entries(home, settings("none", extra));
        Path file = Files.writeString(dir.resolve("config.yaml"), ClusterConfig.render(written));

        Map<String, String> read = ClusterConfig.read(file);

        assertThat(read).isEqualTo(written).containsEntry("parallelism.default", "2")
                .containsEntry("pipeline.name", "it's a: job # with odd characters")
                .containsEntry("io.tmp.dirs", home.tmp.toString());
        assertThat(Files.readString(file)).contains("odd.null: 'null'", "odd.empty: ''",
                "pipeline.name: 'it''s a: job # with odd characters'");
    }

    @Test
    void keysThatAreNotFlinkOptionsAreRefused(@TempDir Path dir) {
        assertThatThrownBy(() -> ClusterConfig.entries(new ClusterHome(dir), settings("none",
                Map.of("bad key: x", "1"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-D bad key: x=1: expected a Flink option key");
    }
}
