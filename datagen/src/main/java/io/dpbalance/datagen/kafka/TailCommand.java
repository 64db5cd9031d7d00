package io.dpbalance.datagen.kafka;

import com.fasterxml.jackson.core.JsonGenerator;
import io.dpbalance.schemas.Codecs;
import io.dpbalance.schemas.DecodeResult;
import io.dpbalance.schemas.RecordJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bin/dpbalance datagen tail}: the latest (or first) records of a topic, decoded with the schemas codec and
 * printed as JSON lines. It reads without a consumer group, so it commits nothing and disturbs no job.
 */
@Command(
        name = "tail",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Print the last --max records of a topic (or the first, with --from-beginning), oldest first, "
                    + "decoded from Avro single-object encoding to one JSON object per line (field names as in the .avsc, "
                    + "timestamps as epoch milliseconds). Undecodable payloads are reported on standard error with their "
                    + "partition, offset and reason.",
            "Exit code 0, or 1 when a payload did not decode or the cluster did not answer."
        })
public final class TailCommand implements Callable<Integer> {

    private static final Duration POLL = Duration.ofMillis(200);

    @Option(
            names = "--topic",
            paramLabel = "TOPIC",
            required = true,
            description = "The topic's full name, prefix included, e.g. dp.token-events.")
    String topic;

    @Option(
            names = "--max",
            paramLabel = "N",
            defaultValue = "10",
            description = "How many records to print. Default ${DEFAULT-VALUE}.")
    int max;

    @Option(names = "--from-beginning", description = "The first records of the topic instead of the last ones.")
    boolean fromBeginning;

    @Option(
            names = "--follow",
            description = "After the last records, keep printing new ones as they arrive, until interrupted.")
    boolean follow;

    @Mixin
    KafkaOptions kafka;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private long undecodable;

    @Override
    public Integer call() throws IOException {
        if (max < 1) {
            throw new IllegalArgumentException("--max must be at least 1, not " + max);
        }
        if (follow && fromBeginning) {
            throw new IllegalArgumentException(
                    "--follow continues from the end of the topic; it does not go with " + "--from-beginning");
        }
        Properties props = kafka.clientProperties();
        props.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.setProperty(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Integer.toString(kafka.timeoutSeconds * 1000));
        PrintWriter out = spec.commandLine().getOut();
        try (KafkaConsumer<byte[], byte[]> consumer =
                        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
                JsonGenerator json = RecordJson.FACTORY.createGenerator(out)) {
            List<TopicPartition> partitions = partitions(consumer);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions);
            consumer.assign(partitions);
            for (TopicPartition tp : partitions) {
                consumer.seek(tp, fromBeginning ? begin.get(tp) : Math.max(begin.get(tp), end.get(tp) - max));
            }
            for (ConsumerRecord<byte[], byte[]> record : upTo(consumer, end)) {
                print(record, json);
            }
            while (follow) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    print(record, json);
                }
            }
        } catch (KafkaException e) {
            throw kafka.failure(e, "reading " + topic);
        }
        return undecodable == 0 ? 0 : 1;
    }

    private List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic);
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " does not exist on " + kafka.bootstrap());
        }
        return infos.stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
    }

    /**
     * The records before {@code end}, oldest first by record time (then partition and offset): the first or last
     * {@link #max} of them.
     */
    private List<ConsumerRecord<byte[], byte[]>> upTo(
            KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        Map<TopicPartition, Deque<ConsumerRecord<byte[], byte[]>>> kept = new HashMap<>();
        long deadline = System.nanoTime() + kafka.timeoutSeconds * 1_000_000_000L;
        while (!reached(consumer, end)) {
            var batch = consumer.poll(POLL);
            if (!batch.isEmpty()) {
                deadline = System.nanoTime() + kafka.timeoutSeconds * 1_000_000_000L;
            } else if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no records from " + topic + " on " + kafka.bootstrap() + " within "
                        + kafka.timeoutSeconds + " s, though its end offsets are " + end);
            }
            for (ConsumerRecord<byte[], byte[]> record : batch) {
                TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                if (record.offset() >= end.get(tp)) {
                    continue;
                }
                Deque<ConsumerRecord<byte[], byte[]>> queue = kept.computeIfAbsent(tp, k -> new ArrayDeque<>());
                if (!fromBeginning || queue.size() < max) {
                    queue.addLast(record);
                }
                if (queue.size() > max) {
                    queue.removeFirst();
                }
            }
        }
        List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
        kept.values().forEach(all::addAll);
        all.sort(Comparator.<ConsumerRecord<byte[], byte[]>>comparingLong(ConsumerRecord::timestamp)
                .thenComparingInt(ConsumerRecord::partition)
                .thenComparingLong(ConsumerRecord::offset));
        return fromBeginning
                ? all.subList(0, Math.min(max, all.size()))
                : all.subList(Math.max(0, all.size() - max), all.size());
    }

    private static boolean reached(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private void print(ConsumerRecord<byte[], byte[]> record, JsonGenerator json) {
        DecodeResult<SpecificRecord> decoded = Codecs.decodeAny(record.value());
        try {
            if (decoded instanceof DecodeResult.Decoded<SpecificRecord> value) {
                RecordJson.write(json, value.value());
                json.writeRaw('\n');
                json.flush();
            } else if (decoded instanceof DecodeResult.Failed<SpecificRecord> failed) {
                undecodable++;
                spec.commandLine()
                        .getErr()
                        .printf(
                                "%s-%d@%d: %s: %s%n",
                                record.topic(), record.partition(), record.offset(), failed.reason(), failed.detail());
                spec.commandLine().getErr().flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot print a record: " + e.getMessage(), e);
        }
    }
}
