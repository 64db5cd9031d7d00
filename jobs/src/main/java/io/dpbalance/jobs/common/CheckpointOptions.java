package io.dpbalance.jobs.common;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import picocli.CommandLine.Option;

/** Checkpoints and restore (a picocli mixin): interval, storage, and the savepoint a job starts from. */
public final class CheckpointOptions {

    @Option(
            names = "--checkpoint-interval",
            paramLabel = "DURATION",
            defaultValue = "10s",
            converter = DurationConverter.class,
            description = "Checkpoint interval; Kafka output is flushed (and, exactly-once, committed) on checkpoints. "
                    + "Default ${DEFAULT-VALUE}.")
    public Duration checkpointInterval;

    @Option(
            names = "--checkpoint-dir",
            paramLabel = "URI",
            description =
                    "Where checkpoints go (file:///..., s3://...). Default: var/checkpoints under the working folder "
                            + "when running embedded, the cluster's own setting with --jobmanager. The JobManager's heap, Flink's "
                            + "default, holds only 5 MB per operator: too little for the jobs' state.")
    public String checkpointDir;

    @Option(
            names = "--from-savepoint",
            paramLabel = "PATH",
            description =
                    "Start from this savepoint or retained checkpoint (a folder holding _metadata, as `bin/dpbalance "
                            + "flink stop-job --savepoint` or Ctrl-C print it): the job's state and Kafka offsets carry on from it. "
                            + "Kafka runs only.")
    public String fromSavepoint;

    @Option(
            names = "--allow-non-restored-state",
            description =
                    "With --from-savepoint: start even if the savepoint holds state of an operator the job no longer "
                            + "has (that state is dropped). Without it such a restore fails, naming the operator.")
    public boolean allowNonRestoredState;

    /**
     * The restore settings of --from-savepoint / --allow-non-restored-state, as Flink's configuration
     * ({@code execution.state-recovery.path}, {@code execution.state-recovery.ignore-unclaimed-state}); empty without
     * --from-savepoint. A local path (or file: URI) must be a savepoint: a folder holding {@code _metadata}, or that file.
     *
     * @param fileMode whether the run reads files (batch), which keeps no state to restore
     * @param bounded whether the run's Kafka sources stop at the end offsets of now
     * @throws IllegalArgumentException naming the flag when the savepoint does not exist or does not go with the run
     */
    public Configuration recoveryConfiguration(boolean fileMode, boolean bounded) {
        Configuration conf = new Configuration();
        if (fromSavepoint == null) {
            if (allowNonRestoredState) {
                throw new IllegalArgumentException("--allow-non-restored-state goes with --from-savepoint");
            }
            return conf;
        }
        if (fileMode) {
            throw new IllegalArgumentException(
                    "--from-savepoint: a file (batch) run keeps no state to restore; it applies " + "to Kafka runs");
        }
        if (bounded) {
            throw new IllegalArgumentException(
                    "--from-savepoint with --bounded: a bounded Kafka source restored from a "
                            + "savepoint never ends (its split enumerator never says that no more splits come: FLINK-31006); restore "
                            + "without --bounded and stop the job with bin/dpbalance flink stop-job or Ctrl-C");
        }
        String path = fromSavepoint.trim();
        Path local = null;
        if (path.startsWith("file:")) {
            local = Path.of(java.net.URI.create(path));
        } else if (!path.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
            local = Path.of(path).toAbsolutePath();
            path = local.toUri().toString();
        }
        if (local != null) {
            Path metadata = Files.isDirectory(local) ? local.resolve("_metadata") : local;
            if (!Files.isRegularFile(metadata)
                    || !metadata.getFileName().toString().equals("_metadata")) {
                throw new IllegalArgumentException("--from-savepoint: " + local + " is not a savepoint (no _metadata "
                        + (Files.exists(local) ? "in it" : "there: it does not exist")
                        + "); give the folder that `bin/dpbalance "
                        + "flink stop-job --savepoint` printed, or a chk-N folder of a retained checkpoint");
            }
        }
        conf.set(StateRecoveryOptions.SAVEPOINT_PATH, path);
        conf.set(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, allowNonRestoredState);
        return conf;
    }
}
