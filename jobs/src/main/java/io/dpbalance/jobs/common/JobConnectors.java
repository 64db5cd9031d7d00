package io.dpbalance.jobs.common;

import io.dpbalance.jobs.io.CaughtUpIdleness;
import io.dpbalance.jobs.io.FileConnectors;
import io.dpbalance.jobs.io.InputDecoder;
import io.dpbalance.jobs.io.InputRecord;
import io.dpbalance.jobs.io.KafkaConnectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.core.fs.Path;

/**
 * The sources and sinks of a run, as its {@link JobOptions} say: Kafka topics (prefixed, with the run's consumer group,
 * offsets, bounds and delivery guarantee), or in file mode Avro container files in and JSON-lines files out. Each is
 * named in the run's {@link RunSummary}.
 */
public final class JobConnectors {

    private final JobOptions options;
    private final JobEnvironment environment;
    private final String name;

    /**
     * @param name the job's name: the default consumer group and prefix of transactional ids
     */
    public JobConnectors(JobOptions options, JobEnvironment environment, String name) {
        this.options = options;
        this.environment = environment;
        this.name = name;
    }

    /** The Kafka source of {@code topic} (prefix added), records checked by {@code decoder}. */
    public <T extends SpecificRecord> Source<InputRecord<T>, ?, ?> kafkaSource(String topic, InputDecoder<T> decoder) {
        KafkaOptions kafka = options.kafka;
        environment.reads(kafka.prefix + topic);
        return KafkaConnectors.source(
                kafka.bootstrap,
                kafka.prefix + topic,
                kafka.groupId(name),
                kafka.offsets(),
                kafka.bounded,
                kafka.clientProperties(),
                decoder);
    }

    /** File mode: the Avro container file of {@code topic}, {@code <--input-files>/<prefix><topic>.avro}. */
    public java.nio.file.Path inputFile(String topic) {
        return options.files.inputFiles.resolve(options.kafka.prefix + topic + ".avro");
    }

    /** File mode: the source of an Avro container file, records checked by {@code decoder}. */
    public <T extends SpecificRecord> Source<InputRecord<T>, ?, ?> fileSource(
            java.nio.file.Path file, InputDecoder<T> decoder) {
        environment.reads(file.toString());
        return FileConnectors.avroContainer(new Path(file.toAbsolutePath().toUri()), decoder);
    }

    /**
     * The sink of output {@code topic}: Kafka (prefix added) of the configured delivery guarantee, or in file mode
     * JSON lines under {@code <--output-files>/<topic>}; discarded when {@code written} is false.
     *
     * @param sinkName makes the sink's transactional id unique within the job
     */
    public <T extends SpecificRecord> SinkApplier<T> sink(
            boolean written, String topic, Class<T> type, String sinkName) {
        if (!written) {
            return SinkApplier.discard();
        }
        if (options.fileMode()) {
            java.nio.file.Path dir = options.files.outputFiles.resolve(topic).toAbsolutePath();
            environment.summary().output(dir.toString());
            return SinkApplier.of(FileConnectors.jsonLines(new Path(dir.toUri()), topic));
        }
        KafkaOptions kafka = options.kafka;
        environment.summary().output(kafka.prefix + topic);
        String runId = environment.runId();
        return SinkApplier.of(KafkaConnectors.sink(
                kafka.bootstrap,
                kafka.prefix + topic,
                type,
                options.delivery.deliveryGuarantee,
                options.delivery.transactionalId(name, sinkName),
                options.delivery.transactionTimeout.toMillis(),
                kafka.clientProperties(),
                runId));
    }

    /** The broker the Kafka sources read, for idleness that waits for it ({@link CaughtUpIdleness}); null in file mode. */
    public CaughtUpIdleness.Broker broker() {
        return options.fileMode()
                ? null
                : new CaughtUpIdleness.Broker(options.kafka.bootstrap, options.kafka.clientProperties());
    }
}
