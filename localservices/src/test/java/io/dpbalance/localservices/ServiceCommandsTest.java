package io.dpbalance.localservices;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpbalance.localservices.flink.FlinkCommand;
import io.dpbalance.localservices.kafka.KafkaCommand;
import io.dpbalance.localservices.process.CommandRun;
import io.dpbalance.localservices.process.ServiceCommand;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import picocli.CommandLine;

/**
 * What {@code kafka start|stop|status} and {@code flink start|stop|status} do alike before and without their service:
 * busy ports, stale pid files. The real services' lifecycles are exercised by .ci/kafka-smoke.sh and .ci/flink-e2e.sh.
 */
class ServiceCommandsTest {

    enum Service {
        KAFKA("kafka", "Kafka", KafkaCommand::commandLine, "kafka.pid", "kafka.pid", "--port", "--controller-port"),
        // A process that reused a TaskManager's pid, and a JobManager that is gone.
        FLINK(
                "flink",
                "Flink",
                FlinkCommand::commandLine,
                "taskmanager-1.pid",
                "jobmanager.pid",
                "--rest-port",
                "--rpc-port");

        final String command;
        final String name;
        final Supplier<CommandLine> commandLine;
        final String reusedPidFile;
        final String finishedPidFile;
        final String portFlag;
        final String otherPortFlag;

        Service(
                String command,
                String name,
                Supplier<CommandLine> commandLine,
                String reusedPidFile,
                String finishedPidFile,
                String portFlag,
                String otherPortFlag) {
            this.command = command;
            this.name = name;
            this.commandLine = commandLine;
            this.reusedPidFile = reusedPidFile;
            this.finishedPidFile = finishedPidFile;
            this.portFlag = portFlag;
            this.otherPortFlag = otherPortFlag;
        }

        CommandRun run(String... args) {
            return CommandRun.of(commandLine.get(), args);
        }
    }

    @ParameterizedTest
    @EnumSource(Service.class)
    void statusOfAFolderWithoutTheServiceExitsThree(Service service, @TempDir Path dir) {
        CommandRun r = service.run("status", "--dir", dir.toString());
        assertThat(r.exit()).isEqualTo(ServiceCommand.NOT_RUNNING);
        assertThat(r.out())
                .contains(service.name + " is not running", "bin/dpbalance " + service.command + " start --dir " + dir);
    }

    @ParameterizedTest
    @EnumSource(Service.class)
    void stopWithoutTheServiceSaysSoAndSucceeds(Service service, @TempDir Path dir) {
        CommandRun r = service.run("stop", "--dir", dir.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains(service.name + " is not running");
    }

    @ParameterizedTest
    @EnumSource(Service.class)
    void pidFileOfAProcessThatIsNotOursIsStale(Service service, @TempDir Path dir) throws IOException {
        // This test JVM stands for a process that reused the service's pid: it runs, but not the service's main class.
        Path pidFile = Files.writeString(
                dir.resolve(service.reusedPidFile), ProcessHandle.current().pid() + "\n");

        CommandRun r = service.run("stop", "--dir", dir.toString());

        assertThat(r.exit()).isZero();
        assertThat(r.err())
                .contains("removing stale pid file " + pidFile + " (pid "
                        + ProcessHandle.current().pid() + " now belongs to another program)");
        assertThat(r.out()).contains(service.name + " is not running");
        assertThat(pidFile).doesNotExist();
        assertThat(ProcessHandle.current().isAlive()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Service.class)
    void pidFileOfAFinishedProcessIsStale(Service service, @TempDir Path dir) throws Exception {
        Process finished = new ProcessBuilder("true").start();
        finished.waitFor();
        Path pidFile = Files.writeString(dir.resolve(service.finishedPidFile), finished.pid() + "\n");

        CommandRun r = service.run("status", "--dir", dir.toString());

        assertThat(r.exit()).isEqualTo(ServiceCommand.NOT_RUNNING);
        assertThat(r.err()).contains("removing stale pid file " + pidFile);
        assertThat(pidFile).doesNotExist();
    }

    @ParameterizedTest
    @EnumSource(Service.class)
    void portInUseIsNamedWithTheFlagThatChangesIt(Service service, @TempDir Path dir) throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CommandRun r = service.run(
                    "start",
                    "--dir",
                    dir.toString(),
                    service.portFlag,
                    Integer.toString(taken.getLocalPort()),
                    service.otherPortFlag,
                    Integer.toString(CommandRun.freePort()));

            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err())
                    .contains("port " + taken.getLocalPort() + " on 127.0.0.1 is in use", service.portFlag + " PORT");
            assertThat(dir.resolve(service.finishedPidFile)).doesNotExist();
        }
    }
}
