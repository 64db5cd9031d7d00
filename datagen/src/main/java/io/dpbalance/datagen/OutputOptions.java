package io.dpbalance.datagen;

import io.dpbalance.datagen.kafka.KafkaOptions;
import io.dpbalance.datagen.kafka.KafkaRecordSink;
import io.dpbalance.datagen.sink.FileRecordSink;
import io.dpbalance.datagen.sink.RecordSink;
import io.dpbalance.datagen.sink.RecordTopic;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Where generated records go: Kafka (the default) or files. */
final class OutputOptions {

    @Mixin
    KafkaOptions kafka;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description = "Write files instead of producing to Kafka: for each topic <topic>.avro (an Avro object "
                    + "container file of the record) and <topic>.jsonl (one JSON object per record, field names as in "
                    + "the .avsc, timestamps as epoch milliseconds). The directory is created; files are replaced.")
    Path out;

    @Option(
            names = "--topic-prefix",
            paramLabel = "PREFIX",
            defaultValue = "",
            description = "Put in front of every topic name (and file name), e.g. 'test1.' writes test1.dp.requests; "
                    + "as given to `topics create --prefix`.")
    String topicPrefix;

    @Option(
            names = "--producer-property",
            paramLabel = "KEY=VALUE",
            description = "A Kafka producer property that overrides datagen's throughput defaults ("
                    + "acks=all, enable.idempotence=true, linger.ms=50, batch.size=524288, compression.type=lz4, "
                    + "buffer.memory=67108864) and --command-config, e.g. compression.type=zstd. Repeatable.")
    Map<String, String> producerProperties = new LinkedHashMap<>();

    /** Whether records go to Kafka. */
    boolean toKafka() {
        return out == null;
    }

    /** Fails on contradicting flags; call before any expensive work. */
    void validate() {
        if (out != null && (kafka.isSet() || !producerProperties.isEmpty())) {
            throw new IllegalArgumentException("--out writes files, while --bootstrap, --command-config and "
                    + "--producer-property are for Kafka: give one or the other");
        }
    }

    RecordSink open(List<RecordTopic<?>> topics) {
        return toKafka()
                ? KafkaRecordSink.open(kafka, topicPrefix, topics, producerProperties)
                : new FileRecordSink(out, topicPrefix, topics);
    }
}
