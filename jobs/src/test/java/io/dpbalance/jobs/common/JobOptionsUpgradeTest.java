package io.dpbalance.jobs.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The upgrade flags of JobOptions: --from-savepoint / --allow-non-restored-state become Flink's restore settings (and
 * bad uses are errors naming the flag), checkpoints are retained on cancellation, and an embedded run's checkpoint
 * folder is deleted when the run ended normally and kept (and said) otherwise.
 */
class JobOptionsUpgradeTest {

    private static JobOptions options(String... args) {
        JobOptions options = new JobOptions();
        new CommandLine(options).parseArgs(args);
        return options;
    }

    @Test
    void withoutFromSavepointNothingIsRestored() {
        assertThat(options().recoveryConfiguration().toMap()).isEmpty();
    }

    @Test
    void aSavepointFolderBecomesTheRestorePath(@TempDir Path dir) throws Exception {
        Path savepoint = Files.createDirectories(dir.resolve("savepoint-1a2b"));
        Files.writeString(savepoint.resolve("_metadata"), "x");

        Configuration conf = options("--from-savepoint", savepoint.toString(), "--allow-non-restored-state")
                .recoveryConfiguration();

        assertThat(conf.get(StateRecoveryOptions.SAVEPOINT_PATH))
                .isEqualTo(savepoint.toUri().toString());
        assertThat(conf.get(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE))
                .isTrue();
        assertThat(options("--from-savepoint", savepoint.toUri().toString())
                        .recoveryConfiguration()
                        .get(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE))
                .isFalse();
        // The job's environment carries it to the job graph.
        StreamExecutionEnvironment env = JobEnvironment.create(
                        options("--from-savepoint", savepoint.toString()), "test", getClass())
                .env();
        env.fromSequence(0, 1).print();
        assertThat(env.getStreamGraph()
                        .getJobGraph()
                        .getSavepointRestoreSettings()
                        .getRestorePath())
                .isEqualTo(savepoint.toUri().toString());
    }

    @Test
    void badRestoreFlagsAreErrorsNamingTheFlag(@TempDir Path dir) throws Exception {
        assertThatThrownBy(
                        () -> options("--from-savepoint", dir.resolve("missing").toString())
                                .recoveryConfiguration())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--from-savepoint: " + dir.resolve("missing"))
                .hasMessageContaining("it does not exist");
        assertThatThrownBy(() -> options("--from-savepoint", dir.toString()).recoveryConfiguration())
                .hasMessageContaining("is not a savepoint (no _metadata in it)");
        assertThatThrownBy(() -> options("--allow-non-restored-state").recoveryConfiguration())
                .hasMessageContaining("--allow-non-restored-state goes with --from-savepoint");
        Files.writeString(dir.resolve("_metadata"), "x");
        assertThatThrownBy(() ->
                        options("--from-savepoint", dir.toString(), "--bounded").recoveryConfiguration())
                .hasMessageContaining("--from-savepoint with --bounded")
                .hasMessageContaining("FLINK-31006");
        assertThatThrownBy(() -> options(
                                "--from-savepoint", dir.toString(), "--input-files", "in", "--output-files", "out")
                        .recoveryConfiguration())
                .hasMessageContaining("--from-savepoint: a file (batch) run keeps no state");
    }

    @Test
    void checkpointsAreRetainedOnCancellation() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobEnvironment.of(options("--checkpoint-dir", "file:///tmp/unused"), "test", env)
                .enableCheckpointing();
        assertThat(env.getConfiguration().get(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION))
                .isEqualTo(ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
    }

    @Test
    void aFinishedRunsCheckpointsAreDeletedAFailedRunsKept(@TempDir Path dir) throws Exception {
        JobEnvironment run = JobEnvironment.of(
                options("--checkpoint-dir", dir.toUri().toString()),
                "test",
                StreamExecutionEnvironment.getExecutionEnvironment());
        run.enableCheckpointing();
        JobID finished = new JobID();
        JobID failed = new JobID();
        for (JobID id : new JobID[] {finished, failed}) {
            Path chk = Files.createDirectories(dir.resolve(id.toHexString()).resolve("chk-3"));
            Files.writeString(chk.resolve("_metadata"), "x");
            Files.createDirectories(dir.resolve(id.toHexString()).resolve("shared"));
        }

        assertThat(run.cleanCheckpoints(finished, true)).isNull();
        String kept = run.cleanCheckpoints(failed, false);

        assertThat(dir.resolve(finished.toHexString())).doesNotExist();
        assertThat(dir.resolve(failed.toHexString()).resolve("chk-3").resolve("_metadata"))
                .isRegularFile();
        assertThat(kept).contains("checkpoints kept in " + dir.resolve(failed.toHexString()), "--from-savepoint");
    }
}
