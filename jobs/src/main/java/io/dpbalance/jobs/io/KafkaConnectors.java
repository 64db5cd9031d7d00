package io.dpbalance.jobs.io;

import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.KafkaSourceOptions;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/** Kafka sources and sinks of dpbalance records. */
public final class KafkaConnectors {

    private KafkaConnectors() {}

    /**
     * A source of one record type.
     *
     * @param clientProperties Kafka client settings (security, …) applied to the consumer; {@code isolation.level}
     *     defaults to {@code read_committed}, so that records of aborted transactions are never read
     * @param bounded stop at the end offsets the topic has when the job starts (a replay), instead of running on
     */
    public static <T extends SpecificRecord> KafkaSource<InputRecord<T>> source(
            String bootstrapServers,
            String topic,
            String groupId,
            OffsetsInitializer startingOffsets,
            boolean bounded,
            Properties clientProperties,
            InputDecoder<T> decoder) {
        return source(
                bootstrapServers,
                topic,
                groupId,
                startingOffsets,
                bounded ? OffsetsInitializer.latest() : null,
                clientProperties,
                decoder);
    }

    /**
     * A source of one record type that stops where {@code stoppingOffsets} says (e.g. offsets a replay will reach), or
     * runs on when it is null.
     */
    public static <T extends SpecificRecord> KafkaSource<InputRecord<T>> source(
            String bootstrapServers,
            String topic,
            String groupId,
            OffsetsInitializer startingOffsets,
            OffsetsInitializer stoppingOffsets,
            Properties clientProperties,
            InputDecoder<T> decoder) {
        Properties properties = new Properties();
        properties.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // The connector would forward every Kafka consumer metric under its bare name into one Flink group; the Kafka 4
        // consumer has metrics of the same name in two of its groups (time-between-poll-*, sync-*, ...), so half of
        // them
        // were refused with a MetricGroup "Name collision" warning per reader. The connector's own source metrics
        // (currentOffset, committedOffsets, ...) stay.
        properties.setProperty(KafkaSourceOptions.REGISTER_KAFKA_CONSUMER_METRICS.key(), "false");
        properties.putAll(clientProperties);
        KafkaSourceBuilder<InputRecord<T>> builder = KafkaSource.<InputRecord<T>>builder()
                .setBootstrapServers(bootstrapServers)
                .setTopics(topic)
                .setGroupId(groupId)
                .setStartingOffsets(startingOffsets)
                .setProperties(properties)
                .setDeserializer(new InputRecordDeserializer<>(decoder));
        if (stoppingOffsets != null) {
            builder.setBounded(stoppingOffsets);
        }
        return builder.build();
    }

    /**
     * A sink of one record type, keyed by cluster.
     *
     * @param transactionalIdPrefix unique per sink and per job; used only with exactly-once
     * @param transactionTimeoutMillis for exactly-once: must not exceed the broker's transaction.max.timeout.ms
     */
    public static <T extends SpecificRecord> KafkaSink<T> sink(
            String bootstrapServers,
            String topic,
            Class<T> type,
            DeliveryGuarantee guarantee,
            String transactionalIdPrefix,
            long transactionTimeoutMillis,
            Properties clientProperties) {
        return sink(
                bootstrapServers,
                topic,
                type,
                guarantee,
                transactionalIdPrefix,
                transactionTimeoutMillis,
                clientProperties,
                null);
    }

    /** As above; {@code runId}, when not null, goes into every record's {@code dpbalance-run} header. */
    public static <T extends SpecificRecord> KafkaSink<T> sink(
            String bootstrapServers,
            String topic,
            Class<T> type,
            DeliveryGuarantee guarantee,
            String transactionalIdPrefix,
            long transactionTimeoutMillis,
            Properties clientProperties,
            String runId) {
        Properties properties = new Properties();
        properties.putAll(clientProperties);
        if (guarantee == DeliveryGuarantee.EXACTLY_ONCE) {
            properties.setProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, Long.toString(transactionTimeoutMillis));
        }
        return KafkaSink.<T>builder()
                .setBootstrapServers(bootstrapServers)
                .setKafkaProducerConfig(properties)
                .setRecordSerializer(new ClusterKeyedSerializer<>(type, topic, runId))
                .setDeliveryGuarantee(guarantee)
                .setTransactionalIdPrefix(transactionalIdPrefix)
                .build();
    }
}
