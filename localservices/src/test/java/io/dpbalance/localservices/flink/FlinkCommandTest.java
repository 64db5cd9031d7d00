package io.dpbalance.localservices.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpbalance.localservices.process.CommandRun;
import io.dpbalance.localservices.process.ServiceCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code flink start|stop|status|jobs|cancel} do before and without a cluster: flag checks, a cluster that lost a
 * TaskManager, endpoints where nothing answers (what it shares with {@code kafka}: ServiceCommandsTest). The real
 * cluster's lifecycle is exercised by .ci/flink-e2e.sh.
 */
class FlinkCommandTest {

    private static CommandRun run(String... args) {
        return CommandRun.of(FlinkCommand.commandLine(), args);
    }

    @Test
    void aTaskManagerThatDiedIsMissedByStatusStartAndStop(@TempDir Path dir) throws Exception {
        // A stand-in JobManager: a process whose command line is the JobManager's as far as the launcher checks it.
        ClusterHome home = new ClusterHome(dir);
        Files.createDirectories(home.conf);
        ClusterConfig.write(
                ClusterConfig.of(
                        home,
                        new ClusterConfig.Settings(
                                CommandRun.freePort(), CommandRun.freePort(), 1, "1024m", "1728m", "none", Map.of())),
                home.configFile);
        Process jobManager = new ProcessBuilder(
                        "sh",
                        "-c",
                        "sleep 60; true",
                        Role.JOBMANAGER.mainClass,
                        home.conf.toString(),
                        "-Dlog.file=" + home.logFile(ClusterHome.Member.JOBMANAGER))
                .start();
        try {
            home.writePid(ClusterHome.Member.JOBMANAGER, jobManager.pid());
            home.writeLaunched(2);
            home.writePid(ClusterHome.Member.taskManager(1), jobManager.pid()); // a pid now not a TaskManager's

            CommandRun status = run("status", "--dir", dir.toString());
            assertThat(status.exit()).isEqualTo(1);
            assertThat(status.out())
                    .contains(
                            "Flink is PARTLY running: 1 process",
                            "taskmanager-1  NOT RUNNING",
                            "taskmanager-2  NOT RUNNING",
                            "REST endpoint not answering");
            assertThat(status.err())
                    .contains("removing stale pid file " + home.pidFile(ClusterHome.Member.taskManager(1)));

            assertThat(status.out())
                    .contains("Start the missing processes again with: bin/dpbalance flink start " + "--dir " + dir);

            // start restarts missing TaskManagers only where they can register: this JobManager does not answer.
            CommandRun start = run("start", "--dir", dir.toString());
            assertThat(start.exit()).isEqualTo(1);
            assertThat(start.err())
                    .contains(
                            "only part of the cluster in " + home.dir
                                    + " runs (taskmanager-1, taskmanager-2 not) and its JobManager does not answer at 127.0.0.1:",
                            "stop it first");
            assertThat(home.pidFile(ClusterHome.Member.taskManager(1))).doesNotExist();

            CommandRun stop = run("stop", "--dir", dir.toString());
            assertThat(stop.exit()).isZero();
            assertThat(stop.out()).contains("Flink stopped in", "(1 process)");
            assertThat(jobManager.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(run("status", "--dir", dir.toString()).exit()).isEqualTo(ServiceCommand.NOT_RUNNING);
        } finally {
            jobManager.destroyForcibly();
        }
    }

    @Test
    void badFlagsAreRejectedBeforeAnythingIsWritten(@TempDir Path dir) {
        CommandRun taskManagers = run("start", "--dir", dir.toString(), "--taskmanagers", "0");
        assertThat(taskManagers.exit()).isEqualTo(1);
        assertThat(taskManagers.err()).contains("--taskmanagers and --slots must be at least 1");

        CommandRun ports = run("start", "--dir", dir.toString(), "--rest-port", "9400", "--rpc-port", "9400");
        assertThat(ports.exit()).isEqualTo(1);
        assertThat(ports.err()).contains("--rest-port and --rpc-port must differ");

        CommandRun memory = run("start", "--dir", dir.toString(), "--taskmanager-memory", "lots");
        assertThat(memory.exit()).isEqualTo(1);
        assertThat(memory.err()).contains("--taskmanager-memory must be a memory size like 1024m or 2g, not 'lots'");

        CommandRun prometheus = run("start", "--dir", dir.toString(), "--prometheus-ports", "all");
        assertThat(prometheus.exit()).isEqualTo(1);
        assertThat(prometheus.err()).contains("--prometheus-ports must be a port, a range like 9249-9260, or none");

        assertThat(dir.resolve("conf")).doesNotExist();
    }

    @Test
    void jobsOfAFolderWhereNoClusterStartedSaysHowToStartOne(@TempDir Path dir) {
        CommandRun r = run("jobs", "--dir", dir.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err())
                .contains(
                        "no Flink cluster was started in",
                        "bin/dpbalance flink start --dir " + dir,
                        "--jobmanager HOST:PORT");
    }

    @Test
    void jobsWhereNothingAnswersSaysSo() throws IOException {
        String endpoint = "127.0.0.1:" + CommandRun.freePort();
        CommandRun r = run("jobs", "--jobmanager", endpoint);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("no Flink REST endpoint answers at " + endpoint);
    }

    @Test
    void cancelTakesOnlyJobIds() {
        CommandRun r = run("cancel", "not-a-job", "--jobmanager", "127.0.0.1:1");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("'not-a-job' is not a Flink job id (32 hex digits;");
    }
}
