package io.dpbalance.jobs.common;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** Where a job reads and writes Kafka (a picocli mixin): brokers, client settings, topic prefix, group, offsets. */
public final class KafkaOptions {

    public enum StartingOffsets {
        COMMITTED,
        EARLIEST,
        LATEST
    }

    @Option(
            names = "--bootstrap",
            paramLabel = "HOST:PORT[,...]",
            defaultValue = "127.0.0.1:9092",
            description =
                    "Kafka bootstrap servers. Default ${DEFAULT-VALUE} (the broker of `bin/dpbalance kafka start`).")
    public String bootstrap;

    @Option(
            names = "--kafka-properties",
            paramLabel = "FILE",
            description =
                    "Kafka client properties (security.protocol, sasl.*, ssl.*, ...) for consumers and producers.")
    public Path kafkaProperties;

    @Option(
            names = "--prefix",
            paramLabel = "PREFIX",
            defaultValue = "",
            description = "Put in front of every topic name (as `bin/dpbalance topics create --prefix`).")
    public String prefix;

    @Option(
            names = "--group-id",
            paramLabel = "GROUP",
            description = "Kafka consumer group (offsets are committed on checkpoints). Default: the job's name.")
    public String groupId;

    @Option(
            names = "--starting-offsets",
            defaultValue = "committed",
            converter = StartingOffsetsConverter.class,
            description = "committed (the group's, else earliest), earliest or latest. Default ${DEFAULT-VALUE}.")
    public StartingOffsets startingOffsets;

    @Option(
            names = "--bounded",
            description =
                    "Stop at the end offsets the input topics have when the job starts (replay a finished stream).")
    public boolean bounded;

    public OffsetsInitializer offsets() {
        return switch (startingOffsets) {
            case COMMITTED -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
            case EARLIEST -> OffsetsInitializer.earliest();
            case LATEST -> OffsetsInitializer.latest();
        };
    }

    public String groupId(String fallback) {
        return groupId != null ? groupId : fallback;
    }

    /** The settings of --kafka-properties (none without it). */
    public Properties clientProperties() {
        Properties properties = new Properties();
        if (kafkaProperties != null) {
            try (Reader in = Files.newBufferedReader(kafkaProperties)) {
                properties.load(in);
            } catch (IOException e) {
                throw new IllegalArgumentException(
                        "--kafka-properties: cannot read " + kafkaProperties + ": " + e.getMessage(), e);
            }
        }
        return properties;
    }

    public static final class StartingOffsetsConverter implements CommandLine.ITypeConverter<StartingOffsets> {
        @Override
        public StartingOffsets convert(String text) {
            try {
                return StartingOffsets.valueOf(text.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(
                        "expected committed, earliest or latest, got '" + text + "'");
            }
        }
    }
}
