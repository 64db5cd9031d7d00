package io.dpbalance.localservices.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpbalance.localservices.process.CommandRun;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.execution.ExecutionState;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code flink stop-job JOBID --savepoint DIR} against a real REST endpoint (a MiniCluster's): the job ends FINISHED, the
 * printed savepoint folder holds the savepoint's {@code _metadata}; a job the cluster does not know is a clear error.
 */
class StopJobCommandITCase {

    private static CommandRun run(String... args) {
        return CommandRun.of(FlinkCommand.commandLine(), args);
    }

    /** Counts slowly for ever (about 1,000 records a second). */
    private static final class Slow implements MapFunction<Long, Long> {
        @Override
        public Long map(Long value) throws Exception {
            Thread.sleep(1);
            return value;
        }
    }

    @Test
    void stopsARunningJobWithASavepointAndPrintsItsPath(@TempDir Path dir) throws Exception {
        Configuration conf = new Configuration();
        conf.set(RestOptions.BIND_PORT, "0");
        try (MiniCluster mini = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(1)
                .build())) {
            mini.start();
            URI rest = mini.getRestAddress().get();
            String endpoint = rest.getHost() + ":" + rest.getPort();

            CommandRun unknown =
                    run("stop-job", new JobID().toHexString(), "--savepoint", dir.toString(), "--jobmanager", endpoint);
            assertThat(unknown.exit()).isNotZero();
            assertThat(unknown.err()).contains("knows no job");

            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(1);
            env.fromSequence(0, Long.MAX_VALUE)
                    .uid("numbers")
                    .map(new Slow())
                    .uid("slow")
                    .sinkTo(new DiscardingSink<>())
                    .uid("discard");
            JobID id = mini.submitJob(env.getStreamGraph().getJobGraph()).get().getJobID();
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (!allRunning(mini, id)) {
                assertThat(System.nanoTime())
                        .as("the job's tasks run within a minute")
                        .isLessThan(deadline);
                Thread.sleep(100);
            }

            CommandRun stopped = run(
                    "stop-job",
                    id.toHexString(),
                    "--savepoint",
                    dir.resolve("savepoints").toString(),
                    "--jobmanager",
                    endpoint);

            assertThat(stopped.err()).isEmpty();
            assertThat(stopped.exit()).isZero();
            Matcher m = Pattern.compile("(?m)^savepoint: (\\S+)$").matcher(stopped.out());
            assertThat(m.find()).as(stopped.out()).isTrue();
            Path savepoint = Path.of(URI.create(m.group(1)));
            assertThat(savepoint).startsWith(dir.resolve("savepoints"));
            assertThat(savepoint.resolve("_metadata")).isRegularFile();
            assertThat(stopped.out()).contains("--from-savepoint " + m.group(1));
            assertThat(mini.getJobStatus(id).get()).isEqualTo(JobStatus.FINISHED);

            CommandRun again =
                    run("stop-job", id.toHexString(), "--savepoint", dir.toString(), "--jobmanager", endpoint);
            assertThat(again.exit()).isEqualTo(1);
            assertThat(again.err()).contains("already ended (FINISHED)");
            assertThat(Files.list(dir.resolve("savepoints"))).hasSize(1);
        }
    }

    private static boolean allRunning(MiniCluster mini, JobID id) throws Exception {
        var graph = mini.getArchivedExecutionGraph(id).get();
        if (graph.getState() != JobStatus.RUNNING) {
            return false;
        }
        for (AccessExecutionVertex v : graph.getAllExecutionVertices()) {
            if (v.getExecutionState() != ExecutionState.RUNNING) {
                return false;
            }
        }
        return true;
    }
}
