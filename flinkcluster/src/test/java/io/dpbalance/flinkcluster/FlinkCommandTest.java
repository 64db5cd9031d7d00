package io.dpbalance.flinkcluster;

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
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@code flink start|stop|status|jobs|cancel} do before and without a cluster: flag checks, busy ports, stale pid
 * files, endpoints where nothing answers. The real cluster's lifecycle is exercised by .ci/flink-e2e.sh.
 */
class FlinkCommandTest {

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        CommandLine cli = FlinkCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void statusOfAFolderWithoutClusterExitsThree(@TempDir Path dir) {
        Run r = run("status", "--dir", dir.toString());
        assertThat(r.exit()).isEqualTo(FlinkCommand.NOT_RUNNING);
        assertThat(r.out()).contains("Flink is not running", "bin/dpbalance flink start --dir " + dir);
    }

    @Test
    void stopWithoutClusterSaysSoAndSucceeds(@TempDir Path dir) {
        Run r = run("stop", "--dir", dir.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("Flink is not running");
    }

    @Test
    void pidFileOfAProcessThatIsNotOursIsStale(@TempDir Path dir) throws IOException {
        // This test JVM stands for a process that reused a TaskManager's pid: it runs, but not TaskManagerRunner.
        Path pidFile = Files.writeString(dir.resolve("taskmanager-1.pid"), ProcessHandle.current().pid() + "\n");

        Run r = run("stop", "--dir", dir.toString());

        assertThat(r.exit()).isZero();
        assertThat(r.err()).contains("removing stale pid file " + pidFile);
        assertThat(r.out()).contains("Flink is not running");
        assertThat(pidFile).doesNotExist();
        assertThat(ProcessHandle.current().isAlive()).isTrue();
    }

    @Test
    void pidFileOfAFinishedProcessIsStale(@TempDir Path dir) throws Exception {
        Process finished = new ProcessBuilder("true").start();
        finished.waitFor();
        Path pidFile = Files.writeString(dir.resolve("jobmanager.pid"), finished.pid() + "\n");

        Run r = run("status", "--dir", dir.toString());

        assertThat(r.exit()).isEqualTo(FlinkCommand.NOT_RUNNING);
        assertThat(r.err()).contains("removing stale pid file");
        assertThat(pidFile).doesNotExist();
    }

    @Test
    void aTaskManagerThatDiedIsMissedByStatusStartAndStop(@TempDir Path dir) throws Exception {
        // A stand-in JobManager: a process whose command line is the JobManager's as far as the launcher checks it.
        ClusterHome home = new ClusterHome(dir);
        Files.createDirectories(home.conf);
        Files.writeString(home.configFile, ClusterConfig.render(ClusterConfig.entries(home,
                new ClusterConfig.Settings(freePort(), freePort(), 1, "1024m", "1728m", "none", Map.of()))));
        Process jobManager = new ProcessBuilder("sh", "-c", "sleep 60; true", Role.JOBMANAGER.mainClass,
                home.conf.toString(), "-Dlog.file=" + home.logFile(ClusterHome.Member.JOBMANAGER)).start();
        try {
            home.writePid(ClusterHome.Member.JOBMANAGER, jobManager.pid());
            home.writeLaunched(2);
            home.writePid(ClusterHome.Member.taskManager(1), jobManager.pid()); // a pid now not a TaskManager's

            Run status = run("status", "--dir", dir.toString());
            assertThat(status.exit()).isEqualTo(1);
            assertThat(status.out()).contains("Flink is PARTLY running: 1 process", "taskmanager-1  NOT RUNNING",
                    "taskmanager-2  NOT RUNNING", "REST endpoint not answering");
            assertThat(status.err()).contains("removing stale pid file "
                    + home.pidFile(ClusterHome.Member.taskManager(1)));

            Run start = run("start", "--dir", dir.toString());
            assertThat(start.exit()).isEqualTo(1);
            assertThat(start.err()).contains("only part of the cluster in " + home.dir
                    + " runs (taskmanager-1, taskmanager-2 not); stop it first");

            Run stop = run("stop", "--dir", dir.toString());
            assertThat(stop.exit()).isZero();
            assertThat(stop.out()).contains("Flink stopped in", "(1 process)");
            assertThat(jobManager.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(run("status", "--dir", dir.toString()).exit()).isEqualTo(FlinkCommand.NOT_RUNNING);
        } finally {
            jobManager.destroyForcibly();
        }
    }

    @Test
    void portInUseIsNamedWithTheFlagThatChangesIt(@TempDir Path dir) throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Run r = run("start", "--dir", dir.toString(), "--rest-port", Integer.toString(taken.getLocalPort()),
                    "--rpc-port", Integer.toString(freePort()));

            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err()).contains("port " + taken.getLocalPort() + " on 127.0.0.1 is in use",
                    "--rest-port PORT");
            assertThat(dir.resolve("jobmanager.pid")).doesNotExist();
        }
    }

    @Test
    void badFlagsAreRejectedBeforeAnythingIsWritten(@TempDir Path dir) {
        Run taskManagers = run("start", "--dir", dir.toString(), "--taskmanagers", "0");
        assertThat(taskManagers.exit()).isEqualTo(1);
        assertThat(taskManagers.err()).contains("--taskmanagers and --slots must be at least 1");

        Run ports = run("start", "--dir", dir.toString(), "--rest-port", "9400", "--rpc-port", "9400");
        assertThat(ports.exit()).isEqualTo(1);
        assertThat(ports.err()).contains("--rest-port and --rpc-port must differ");

        Run memory = run("start", "--dir", dir.toString(), "--taskmanager-memory", "lots");
        assertThat(memory.exit()).isEqualTo(1);
        assertThat(memory.err()).contains("--taskmanager-memory must be a memory size like 1024m or 2g, not 'lots'");

        Run prometheus = run("start", "--dir", dir.toString(), "--prometheus-ports", "all");
        assertThat(prometheus.exit()).isEqualTo(1);
        assertThat(prometheus.err()).contains("--prometheus-ports must be a port, a range like 9249-9260, or none");

        assertThat(dir.resolve("conf")).doesNotExist();
    }

    @Test
    void jobsOfAFolderWhereNoClusterStartedSaysHowToStartOne(@TempDir Path dir) {
        Run r = run("jobs", "--dir", dir.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("no Flink cluster was started in", "bin/dpbalance flink start --dir " + dir,
                "--jobmanager HOST:PORT");
    }

    @Test
    void jobsWhereNothingAnswersSaysSo() throws IOException {
        String endpoint = "127.0.0.1:" + freePort();
        Run r = run("jobs", "--jobmanager", endpoint);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("no Flink REST endpoint answers at " + endpoint);
    }

    @Test
    void cancelTakesOnlyJobIds() {
        Run r = run("cancel", "not-a-job", "--jobmanager", "127.0.0.1:1");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("'not-a-job' is not a Flink job id (32 hex digits;");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
