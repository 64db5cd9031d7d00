package io.dpbalance.broker;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@code kafka start|stop|status} do before and without a broker: flag checks, busy ports, stale pid files. The
 * real broker's lifecycle is exercised by .ci/kafka-smoke.sh.
 */
class KafkaCommandTest {

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        CommandLine cli = KafkaCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void statusOfAFolderWithoutBrokerExitsThree(@TempDir Path dir) {
        Run r = run("status", "--dir", dir.toString());
        assertThat(r.exit()).isEqualTo(KafkaCommand.NOT_RUNNING);
        assertThat(r.out()).contains("Kafka is not running", "bin/dpbalance kafka start --dir " + dir);
    }

    @Test
    void stopWithoutBrokerSaysSoAndSucceeds(@TempDir Path dir) {
        Run r = run("stop", "--dir", dir.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("Kafka is not running");
    }

    @Test
    void pidFileOfAProcessThatIsNotKafkaIsStale(@TempDir Path dir) throws IOException {
        // This test JVM stands for a process that reused the broker's pid: it runs, but not kafka.Kafka.
        Path pidFile = Files.writeString(dir.resolve("kafka.pid"), ProcessHandle.current().pid() + "\n");

        Run r = run("stop", "--dir", dir.toString());

        assertThat(r.exit()).isZero();
        assertThat(r.err()).contains("removing stale pid file");
        assertThat(r.out()).contains("Kafka is not running");
        assertThat(pidFile).doesNotExist();
        assertThat(ProcessHandle.current().isAlive()).isTrue();
    }

    @Test
    void pidFileOfAFinishedProcessIsStale(@TempDir Path dir) throws Exception {
        Process finished = new ProcessBuilder("true").start();
        finished.waitFor();
        Path pidFile = Files.writeString(dir.resolve("kafka.pid"), finished.pid() + "\n");

        Run r = run("status", "--dir", dir.toString());

        assertThat(r.exit()).isEqualTo(KafkaCommand.NOT_RUNNING);
        assertThat(r.err()).contains("removing stale pid file");
        assertThat(pidFile).doesNotExist();
    }

    @Test
    void portInUseIsNamedWithTheFlagThatChangesIt(@TempDir Path dir) throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Run r = run("start", "--dir", dir.toString(), "--port", Integer.toString(taken.getLocalPort()),
                    "--controller-port", Integer.toString(freePort()));

            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err()).contains("port " + taken.getLocalPort() + " on 127.0.0.1 is in use", "--port PORT");
            assertThat(dir.resolve("kafka.pid")).doesNotExist();
        }
    }

    @Test
    void badHeapAndClashingPortsAreRejectedBeforeAnythingStarts(@TempDir Path dir) {
        Run heap = run("start", "--dir", dir.toString(), "--heap", "-Xmx512m");
        assertThat(heap.exit()).isEqualTo(1);
        assertThat(heap.err()).contains("--heap (or DPBALANCE_KAFKA_HEAP) must be a JVM size like 512m");

        Run ports = run("start", "--dir", dir.toString(), "--port", "9400", "--controller-port", "9400");
        assertThat(ports.exit()).isEqualTo(1);
        assertThat(ports.err()).contains("--port and --controller-port must differ");
        assertThat(dir.resolve("server.properties")).doesNotExist();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
