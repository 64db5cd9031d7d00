package io.dpbalance.datagen.kafka;

import io.dpbalance.datagen.sink.RecordSink;
import io.dpbalance.datagen.sink.RecordTopic;
import io.dpbalance.datagen.sink.TopicCount;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Produces generated records to Kafka: values single-object encoded with the schemas codec, keys the UTF-8 bytes of
 * {@code cluster_id} or {@code cluster_id/rank} (what a {@code StringSerializer} would write). Records are counted
 * when the broker acknowledges them. The first record Kafka refuses stops the generation: the next {@link #write}
 * (or {@link #close}) throws, naming the topic and the broker's reason.
 */
public final class KafkaRecordSink implements RecordSink {

    /**
     * Producer settings for throughput, before {@code --command-config} and {@code --producer-property} (which win).
     * Token events are ~60-byte values under few keys, so batches that wait a little to fill up and a cheap
     * compression carry the throughput. Measured with {@code DecodeLogThroughput} (the Azure trace, G=32, B=72, local
     * broker on the same 2 cores): lz4 compresses token events to ~0.31 of their size at the least CPU per record;
     * zstd reaches ~0.19 but costs ~50% more CPU and a third of the throughput; snappy and no compression are no
     * faster. linger.ms=50 fills batches to ~75 KB compressed (20 ms: ~40 KB) for fewer requests to the broker;
     * 1 MB batches or acks=1 without idempotence gained nothing measurable, so acks=all with idempotence stays:
     * every acknowledged record is stored once, in order per partition.
     */
    public static final Map<String, String> THROUGHPUT_DEFAULTS = defaults();

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put(ProducerConfig.ACKS_CONFIG, "all");
        d.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        d.put(ProducerConfig.LINGER_MS_CONFIG, "50");
        d.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(512 * 1024));
        d.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        d.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(64L * 1024 * 1024));
        d.put(ProducerConfig.CLIENT_ID_CONFIG, "dpbalance-datagen");
        return Map.copyOf(d);
    }

    private final KafkaOptions kafka;
    private final Producer<byte[], byte[]> producer;
    private final List<RecordTopic<?>> topics;
    private final String[] names;
    private final Acks[] acks;
    /** The first record the broker refused, as "topic: reason". */
    private final AtomicReference<String> refusal = new AtomicReference<>();

    private final AtomicLong written = new AtomicLong();
    private final SenderThread sender;
    private boolean closed;

    private KafkaRecordSink(
            KafkaOptions kafka, Producer<byte[], byte[]> producer, String prefix, List<RecordTopic<?>> topics) {
        this.kafka = kafka;
        this.producer = producer;
        this.topics = List.copyOf(topics);
        this.names = new String[RecordTopic.ALL.size()];
        this.acks = new Acks[RecordTopic.ALL.size()];
        for (RecordTopic<?> topic : topics) {
            names[topic.index()] = prefix + topic.specName();
            acks[topic.index()] = new Acks(names[topic.index()]);
        }
        this.sender = new SenderThread(producer, names, acks);
    }

    /**
     * Checks that every topic exists, then opens a producer.
     *
     * @param prefix    put in front of each topic's spec name
     * @param overrides producer properties that win over {@link #THROUGHPUT_DEFAULTS} and {@code --command-config}
     * @throws IllegalStateException    if the cluster does not answer or a topic is missing (saying how to create it)
     * @throws IllegalArgumentException if the producer properties are invalid
     */
    public static KafkaRecordSink open(
            KafkaOptions kafka, String prefix, List<RecordTopic<?>> topics, Map<String, String> overrides) {
        requireTopics(kafka, prefix, topics);
        Properties props = new Properties();
        props.putAll(THROUGHPUT_DEFAULTS);
        props.putAll(kafka.clientProperties());
        props.putAll(overrides);
        Producer<byte[], byte[]> producer;
        try {
            producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        } catch (KafkaException e) {
            // The properties are not shown: --command-config may hold credentials.
            throw new IllegalArgumentException(
                    "cannot make a Kafka producer from --producer-property and " + "--command-config: "
                            + KafkaOptions.rootMessage(e),
                    e);
        }
        return new KafkaRecordSink(kafka, producer, prefix, topics);
    }

    private static void requireTopics(KafkaOptions kafka, String prefix, List<RecordTopic<?>> topics) {
        List<String> wanted = topics.stream().map(t -> prefix + t.specName()).toList();
        try (Admin admin = kafka.admin()) {
            Map<String, TopicDescription> existing = Topics.describeExisting(admin, kafka, wanted);
            List<String> missing =
                    wanted.stream().filter(t -> !existing.containsKey(t)).toList();
            if (!missing.isEmpty()) {
                throw new IllegalStateException("topics " + missing + " do not exist on " + kafka.bootstrap()
                        + "; create them with: bin/dpbalance topics create"
                        + (prefix.isEmpty() ? "" : " --prefix " + prefix) + " --bootstrap " + kafka.bootstrap());
            }
        }
    }

    /** Encodes the record here and leaves {@code send} to the {@link SenderThread}. */
    @Override
    public <T extends SpecificRecord> void write(RecordTopic<T> topic, byte[] key, T record) {
        checkHealthy();
        int i = topic.index();
        if (names[i] == null) {
            throw new IllegalStateException("this sink was not opened for " + topic);
        }
        sender.send(i, key, topic.codec().encode(record));
        written.lazySet(written.get() + 1);
    }

    /** Paced generation waits for its next record: what is queued goes to Kafka now. */
    @Override
    public void beforeIdle() {
        sender.handOver();
    }

    /** Fails once the sender thread could not pass a record to the producer, or the broker refused one. */
    private void checkHealthy() {
        RuntimeException notSent = sender.failure();
        if (notSent != null) {
            throw new IllegalStateException(
                    "Kafka at " + kafka.bootstrap() + " did not take a record: " + KafkaOptions.rootMessage(notSent),
                    notSent);
        }
        String refused = refusal.get();
        if (refused != null) {
            throw new IllegalStateException("Kafka at " + kafka.bootstrap() + " refused a record of " + refused);
        }
    }

    @Override
    public long written() {
        return written.get();
    }

    /** The producer's metrics by name (client-level and per topic), for the throughput harness. */
    public Map<String, Double> producerMetrics() {
        Map<String, Double> metrics = new LinkedHashMap<>();
        producer.metrics().forEach((name, metric) -> {
            if (metric.metricValue() instanceof Double value && !value.isNaN()) {
                String topic = name.tags().get("topic");
                metrics.put(name.group() + ":" + name.name() + (topic == null ? "" : "[" + topic + "]"), value);
            }
        });
        return metrics;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            sender.close();
            producer.flush();
        } finally {
            producer.close(Duration.ofSeconds(kafka.timeoutSeconds));
        }
        checkHealthy();
    }

    @Override
    public List<TopicCount> counts() {
        List<TopicCount> counts = new ArrayList<>();
        for (RecordTopic<?> topic : topics) {
            Acks a = acks[topic.index()];
            counts.add(new TopicCount(names[topic.index()], a.records.get(), a.bytes.get()));
        }
        return counts;
    }

    @Override
    public String destination() {
        return "Kafka at " + kafka.bootstrap();
    }

    /** Counts one topic's acknowledged records; runs on the producer's I/O thread. One instance serves every send. */
    private final class Acks implements Callback {
        final String topic;
        final AtomicLong records = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();

        Acks(String topic) {
            this.topic = topic;
        }

        @Override
        public void onCompletion(RecordMetadata metadata, Exception exception) {
            if (exception != null) {
                refusal.compareAndSet(null, topic + ": " + KafkaOptions.rootMessage(exception));
                return;
            }
            records.incrementAndGet();
            bytes.addAndGet(Math.max(0, metadata.serializedKeySize()) + Math.max(0, metadata.serializedValueSize()));
        }
    }
}
