package io.dpbalance.jobs.common;

import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Mixin;

/**
 * The flags every dpbalance Flink job shares (a picocli mixin of mixins, in the order the help lists them): Kafka
 * connection and offsets, checkpointing and restore, delivery guarantee, parallelism, the bounded file mode, and where
 * the job runs. {@link JobEnvironment} makes the environment they describe; {@link JobMain} is a job's {@code main}.
 */
public final class JobOptions {

    @Mixin
    public KafkaOptions kafka = new KafkaOptions();

    @Mixin
    public CheckpointOptions checkpoints = new CheckpointOptions();

    @Mixin
    public DeliveryOptions delivery = new DeliveryOptions();

    @Mixin
    public ParallelismOptions parallelism = new ParallelismOptions();

    @Mixin
    public FileOptions files = new FileOptions();

    @Mixin
    public ClusterOptions cluster = new ClusterOptions();

    /** Whether the job reads files (batch mode) rather than Kafka; checks the two file flags go together. */
    public boolean fileMode() {
        return files.fileMode();
    }

    /** The restore settings of these flags: see {@link CheckpointOptions#recoveryConfiguration(boolean, boolean)}. */
    public Configuration recoveryConfiguration() {
        return checkpoints.recoveryConfiguration(fileMode(), kafka.bounded);
    }
}
