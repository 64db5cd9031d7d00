package io.dpbalance.report;

import io.dpbalance.schemas.AvroCodec;
import io.dpbalance.schemas.Codecs;
import io.dpbalance.schemas.DecodeResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads the report's topics from Kafka, from the beginning to the end offsets, as a read_committed consumer. */
final class KafkaInput {

    /** The topics the report reads (without prefix) and the codec of each. */
    static final Map<String, AvroCodec<?>> TOPICS = topics();

    private static final Duration POLL = Duration.ofMillis(200);

    private KafkaInput() {}

    private static Map<String, AvroCodec<?>> topics() {
        Map<String, AvroCodec<?>> topics = new LinkedHashMap<>();
        topics.put("dp.step-metrics", Codecs.STEP_METRICS);
        topics.put("dp.window-metrics", Codecs.WINDOW_METRICS);
        topics.put("dp.assignments", Codecs.ASSIGNMENT);
        topics.put("dp.rank-steps", Codecs.RANK_STEP);
        return topics;
    }

    static ReportData read(String bootstrap, String topicPrefix, Duration timeout) {
        if (bootstrap == null || bootstrap.isBlank()) {
            throw new IllegalArgumentException("--bootstrap: expected HOST:PORT of a Kafka broker, got nothing");
        }
        String prefix = topicPrefix == null ? "" : topicPrefix;
        Properties props = new Properties();
        props.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.setProperty(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()));
        props.setProperty(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(4 << 20));
        ReportData.Builder data = new ReportData.Builder();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            Map<String, List<PartitionInfo>> existing = consumer.listTopics(timeout);
            List<TopicPartition> partitions = new ArrayList<>();
            Map<String, AvroCodec<?>> codecByTopic = new HashMap<>();
            for (Map.Entry<String, AvroCodec<?>> topic : TOPICS.entrySet()) {
                String name = prefix + topic.getKey();
                List<PartitionInfo> infos = existing.get(name);
                if (infos == null || infos.isEmpty()) {
                    data.notes.add("topic " + name + " does not exist on " + bootstrap);
                    continue;
                }
                codecByTopic.put(name, topic.getValue());
                infos.forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
            }
            if (partitions.isEmpty()) {
                return data.build();
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // With read_committed, the end offsets are the last stable offsets: no open transaction is waited for.
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            Map<String, Long> undecodable = new TreeMap<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!reached(consumer, end)) {
                var batch = consumer.poll(POLL);
                if (!batch.isEmpty()) {
                    deadline = System.nanoTime() + timeout.toNanos();
                } else if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("reading " + String.join(", ", codecByTopic.keySet()) + " from "
                            + bootstrap + ": no records for " + timeout.toSeconds() + " s before the end offsets " + end
                            + " were reached");
                }
                for (ConsumerRecord<byte[], byte[]> record : batch) {
                    if (record.offset() >= end.get(new TopicPartition(record.topic(), record.partition()))) {
                        continue;
                    }
                    DecodeResult<?> decoded = codecByTopic.get(record.topic()).decode(record.value());
                    if (decoded instanceof DecodeResult.Decoded<?> ok) {
                        data.add(ok.value());
                    } else {
                        undecodable.merge(record.topic(), 1L, Long::sum);
                    }
                }
            }
            undecodable.forEach((topic, count) ->
                    data.notes.add(count + " records of " + topic + " did not decode and are not shown"));
        } catch (KafkaException e) {
            throw new IllegalStateException(
                    "reading the report's topics from " + bootstrap + " failed: " + e.getMessage(), e);
        }
        return data.build();
    }

    private static boolean reached(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
