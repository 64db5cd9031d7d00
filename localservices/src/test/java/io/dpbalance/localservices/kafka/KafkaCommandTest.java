package io.dpbalance.localservices.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpbalance.localservices.process.CommandRun;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What only {@code kafka start} checks before anything starts (what it shares with {@code flink}:
 * ServiceCommandsTest). The real broker's lifecycle is exercised by .ci/kafka-smoke.sh.
 */
class KafkaCommandTest {

    private static CommandRun run(String... args) {
        return CommandRun.of(KafkaCommand.commandLine(), args);
    }

    @Test
    void badHeapAndClashingPortsAreRejectedBeforeAnythingStarts(@TempDir Path dir) {
        CommandRun heap = run("start", "--dir", dir.toString(), "--heap", "-Xmx512m");
        assertThat(heap.exit()).isEqualTo(1);
        assertThat(heap.err()).contains("--heap (or DPBALANCE_KAFKA_HEAP) must be a JVM size like 512m");

        CommandRun ports = run("start", "--dir", dir.toString(), "--port", "9400", "--controller-port", "9400");
        assertThat(ports.exit()).isEqualTo(1);
        assertThat(ports.err()).contains("--port and --controller-port must differ");
        assertThat(dir.resolve("server.properties")).doesNotExist();
    }
}
