package io.dpbalance.jobs.common;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.NettyShuffleEnvironmentOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The Flink environment a job's {@link JobOptions} describe, and the run on it: where it runs (embedded, submitted
 * with --jobmanager, or {@code main} inside a cluster), parallelism, batch mode, restore, checkpoint storage, and what
 * the run reads and writes ({@link RunSummary}).
 */
public final class JobEnvironment {

    private final JobOptions options;
    private final String command;
    private final StreamExecutionEnvironment env;
    /**
     * Whether the job's {@code main} runs inside a Flink cluster (application mode, a jar run over REST, or
     * {@code flink run}). Such a run takes its checkpoint storage from the cluster's configuration and has no
     * embedded-run summary or shutdown hook.
     */
    private final boolean insideCluster;
    /** Where this run's checkpoints go (each job in a folder named by its id), once checkpointing is enabled. */
    private String checkpointRoot;
    /** What this run reads and writes; the jobs add to it as they define their sources and sinks. */
    private RunSummary summary;

    private JobEnvironment(JobOptions options, String command, StreamExecutionEnvironment env, boolean insideCluster) {
        this.options = options;
        this.command = command;
        this.env = env;
        this.insideCluster = insideCluster;
    }

    /**
     * The environment: remote when --jobmanager is given, else the context's (a Flink cluster's when {@code main} runs
     * inside one, else local); batch execution in file mode.
     */
    public static JobEnvironment create(JobOptions options, String command, Class<?> jobClass) {
        StreamExecutionEnvironment env;
        boolean insideCluster = false;
        if (options.cluster.jobmanager == null) {
            env = options.fileMode()
                    ? StreamExecutionEnvironment.getExecutionEnvironment(embeddedBatchCluster())
                    : StreamExecutionEnvironment.getExecutionEnvironment();
            insideCluster = ClusterSubmission.insideCluster(env);
        } else {
            env = ClusterSubmission.remoteEnvironment(options.cluster.jobmanager, jobClass);
        }
        if (options.parallelism.parallelism != null) {
            env.setParallelism(options.parallelism.parallelism);
        }
        if (options.fileMode()) {
            env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        }
        env.configure(options.recoveryConfiguration());
        return new JobEnvironment(options, command, env, insideCluster);
    }

    /**
     * The settings of the embedded MiniCluster of a batch (file) run, which a throughput harness's own MiniCluster
     * takes too: no compression of the blocking shuffle, whose files stay on the one machine (LZ4 cost the batch
     * analytics about 5% of their CPU, docs/measurements.md). A cluster's own settings apply to a submitted run.
     */
    public static Configuration embeddedBatchCluster() {
        Configuration cluster = new Configuration();
        cluster.set(
                NettyShuffleEnvironmentOptions.SHUFFLE_COMPRESSION_CODEC,
                NettyShuffleEnvironmentOptions.CompressionCodec.NONE);
        return cluster;
    }

    /** A run on an environment the caller made (a throughput harness's), taken as an embedded one. */
    public static JobEnvironment of(JobOptions options, String command, StreamExecutionEnvironment env) {
        return new JobEnvironment(options, command, env, false);
    }

    public StreamExecutionEnvironment env() {
        return env;
    }

    /** See {@link #insideCluster}. */
    public boolean insideCluster() {
        return insideCluster;
    }

    /** Whether the job runs on a Flink cluster: submitted with --jobmanager, or {@code main} inside one. */
    boolean onCluster() {
        return options.cluster.jobmanager != null || insideCluster;
    }

    /** Fails at once, naming the flag, when the run's Kafka brokers do not answer here or refuse its settings. */
    public void requireBroker() {
        new BrokerPreflight(options.kafka).requireBroker(onCluster());
    }

    /** Checkpointing for the Kafka mode, with the mode the delivery guarantee needs. */
    public void enableCheckpointing() {
        env.enableCheckpointing(
                options.checkpoints.checkpointInterval.toMillis(), options.delivery.checkpointingMode());
        // Embedded: var/checkpoints; on a cluster (--jobmanager, or main running inside one): the cluster's own
        // setting.
        String dir = options.checkpoints.checkpointDir != null
                ? options.checkpoints.checkpointDir
                : !onCluster()
                        ? Path.of("var", "checkpoints").toAbsolutePath().toUri().toString()
                        : null;
        Configuration storage = new Configuration();
        // A cancelled job keeps its last checkpoint (<dir>/<job id>/chk-N), from which --from-savepoint restarts it; a
        // job
        // that finishes has no use for it (an embedded run deletes its folder then: see cleanCheckpoints). Inside a
        // cluster whose configuration sets a retention, that one holds.
        if (!(insideCluster
                && env.getConfiguration()
                        .getOptional(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION)
                        .isPresent())) {
            storage.set(
                    CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                    ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        }
        if (dir != null) {
            storage.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
            storage.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir);
            checkpointRoot = dir;
        }
        env.configure(storage);
    }

    /**
     * After an embedded run: deletes the job's checkpoint folder when the run ended normally (end of input, or stopped
     * with a savepoint, which holds the state from then on); otherwise keeps it and says where it is, so the job can be
     * restarted from its last checkpoint with --from-savepoint.
     *
     * @return a line for the summary, or null when there is nothing to say
     */
    String cleanCheckpoints(JobID id, boolean endedNormally) {
        if (checkpointRoot == null || !checkpointRoot.startsWith("file:")) {
            return null;
        }
        Path folder = Path.of(java.net.URI.create(checkpointRoot)).resolve(id.toHexString());
        if (!Files.isDirectory(folder)) {
            return null;
        }
        if (!endedNormally) {
            return "checkpoints kept in " + folder
                    + " (restart from the newest chk-N folder in it with --from-savepoint)";
        }
        try (var paths = Files.walk(folder)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
            return null;
        } catch (IOException e) {
            return "could not delete the finished run's checkpoints in " + folder + ": " + e.getMessage();
        }
    }

    /** The run's summary, made on first use with a run id unique to this run. */
    public RunSummary summary() {
        if (summary == null) {
            String id = command + "-"
                    + java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                            .format(java.time.LocalDateTime.now())
                    + "-" + Long.toHexString(System.nanoTime() & 0xffffff);
            summary = new RunSummary(command, id);
        }
        return summary;
    }

    /** Names an input of the run (topic, prefix included, or file) for the start message. */
    public void reads(String what) {
        summary().input(what);
    }

    /** The id that the run's Kafka sinks stamp on their records for the summary's count; null inside a cluster. */
    String runId() {
        return insideCluster ? null : summary().runId();
    }

    /**
     * Runs the defined job: inside a cluster, hands it to the cluster; with --jobmanager, submits it and returns once
     * every task runs ({@link ClusterSubmission#submit}); embedded, runs it to its end with a summary
     * ({@link EmbeddedRun}).
     */
    public void execute(String jobName) throws Exception {
        if (insideCluster) {
            env.execute(jobName); // the cluster runs it; the cluster's restart strategy and checkpoints keep it going
        } else if (options.cluster.jobmanager != null) {
            ClusterSubmission.submit(env, jobName, options.cluster.jobmanager, options.cluster.submissionTimeout);
        } else if (summary == null) { // a job that named no inputs and outputs: run it as before
            env.execute(jobName);
        } else {
            new EmbeddedRun(options, this, summary).run(jobName);
        }
    }
}
