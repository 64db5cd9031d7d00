package io.dpbalance.jobs.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.apache.flink.client.program.StreamContextEnvironment;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.core.execution.DefaultExecutorServiceLoader;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * A job's {@code main} inside a Flink cluster (application mode, a jar run over REST, {@code flink run}) gets the
 * cluster's context environment, as Flink's ClientUtils sets it: then JobEnvironment takes checkpoint storage (and a
 * retention the cluster sets) from the cluster's configuration, and a usage error is thrown instead of ending the
 * JobManager's JVM. A local run keeps var/checkpoints.
 */
class JobOptionsInClusterTest {

    private static JobOptions options(String... args) {
        JobOptions options = new JobOptions();
        new CommandLine(options).parseArgs(args);
        return options;
    }

    /** Makes getExecutionEnvironment() return a cluster's context environment of this configuration. */
    private static void insideCluster(Configuration cluster) {
        cluster.set(DeploymentOptions.TARGET, "remote");
        StreamContextEnvironment.setAsContext(
                new DefaultExecutorServiceLoader(),
                cluster,
                JobOptionsInClusterTest.class.getClassLoader(),
                false,
                true);
    }

    @AfterEach
    void leaveCluster() {
        StreamContextEnvironment.unsetAsContext();
    }

    @Test
    void locallyCheckpointsGoToVarCheckpoints() {
        JobOptions options = options();
        JobEnvironment run = JobEnvironment.create(options, "test", getClass());
        StreamExecutionEnvironment env = run.env();
        run.enableCheckpointing();

        assertThat(run.insideCluster()).isFalse();
        assertThat(env.getConfiguration().get(CheckpointingOptions.CHECKPOINTS_DIRECTORY))
                .isEqualTo(
                        Path.of("var", "checkpoints").toAbsolutePath().toUri().toString());
        assertThat(env.getConfiguration().get(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION))
                .isEqualTo(ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
    }

    @Test
    void insideAClusterCheckpointStorageIsTheClusters() {
        Configuration cluster = new Configuration();
        cluster.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, "file:///flink-data/checkpoints");
        cluster.set(
                CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.DELETE_ON_CANCELLATION);
        insideCluster(cluster);

        JobOptions options = options("--checkpoint-interval", "5s");
        JobEnvironment run = JobEnvironment.create(options, "test", getClass());
        StreamExecutionEnvironment env = run.env();
        run.enableCheckpointing();

        assertThat(run.insideCluster()).isTrue();
        assertThat(env.getConfiguration().get(CheckpointingOptions.CHECKPOINTS_DIRECTORY))
                .isEqualTo("file:///flink-data/checkpoints");
        assertThat(env.getConfiguration().get(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION))
                .isEqualTo(ExternalizedCheckpointRetention.DELETE_ON_CANCELLATION);
        assertThat(env.getCheckpointInterval()).isEqualTo(5000L);
    }

    @Test
    void insideAClusterWithoutRetentionCheckpointsAreRetainedAndAnExplicitDirWins() {
        insideCluster(new Configuration());

        JobOptions options = options("--checkpoint-dir", "file:///elsewhere");
        JobEnvironment run = JobEnvironment.create(options, "test", getClass());
        StreamExecutionEnvironment env = run.env();
        run.enableCheckpointing();

        assertThat(env.getConfiguration().get(CheckpointingOptions.CHECKPOINTS_DIRECTORY))
                .isEqualTo("file:///elsewhere");
        assertThat(env.getConfiguration().get(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION))
                .isEqualTo(ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
    }

    @Command(name = "probe")
    static final class Probe implements Runnable {
        @Mixin
        JobOptions job = new JobOptions();

        boolean ran;

        @Override
        public void run() {
            ran = true;
        }
    }

    @Test
    void insideAClusterAUsageErrorIsThrownNotExited() {
        insideCluster(new Configuration());

        assertThatThrownBy(() -> JobMain.main("probe", new Probe(), new String[] {"--no-such-flag"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dpbalance probe: ")
                .hasMessageContaining("--no-such-flag");
        Probe probe = new Probe();
        JobMain.main("probe", probe, new String[] {"--parallelism", "2"});
        assertThat(probe.ran).isTrue();
    }
}
