package io.dpbalance.jobs.common;

import io.dpbalance.jobs.io.ClusterKeyedSerializer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What one embedded run reads and writes, and at its end what it committed: the one-line start message, and per output
 * topic (or file directory) the records committed and how to look at them.
 *
 * <p>Kafka outputs are counted afterwards by a {@code read_committed} consumer, from the end offsets the topics had
 * when the run started, over the records whose {@code dpbalance-run} header carries this run's id (every sink of the
 * run stamps it): records of aborted transactions are never read, and records another job wrote into the same topic
 * meanwhile are not counted. With at-least-once sinks a restarted run may have written a record twice; both count.
 * File outputs are counted as the lines of the finished part files ({@code .jsonl}); in-progress files (hidden, not
 * yet committed) are not.
 */
public final class RunSummary {

    private static final String RUN_HEADER = ClusterKeyedSerializer.RUN_HEADER;

    private static final Duration POLL = Duration.ofMillis(500);

    private final String command;
    private final String runId;
    private final List<String> inputs = new ArrayList<>();
    /** Output topic (prefix included) or file directory, in the order the job defined them. */
    private final List<String> outputs = new ArrayList<>();

    private Map<TopicPartition, Long> startOffsets = Map.of();

    RunSummary(String command, String runId) {
        this.command = command;
        this.runId = runId;
    }

    String command() {
        return command;
    }

    public String runId() {
        return runId;
    }

    void input(String what) {
        inputs.add(what);
    }

    void output(String topicOrDir) {
        outputs.add(topicOrDir);
    }

    List<String> outputs() {
        return List.copyOf(outputs);
    }

    /** One line: what the run reads, where its output goes, where Flink's log goes. */
    String startLine(String source, String sink, String logFile) {
        String log = logFile != null ? "; Flink and Kafka log to " + logFile : "";
        return command + ": reading " + String.join(", ", inputs) + " " + source + "; writing "
                + String.join(", ", outputs) + " " + sink + log;
    }

    /** Remembers where the output topics end before the run, so that the count starts there. */
    void markKafkaStart(String bootstrap, Properties client) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap, client)) {
            startOffsets = new HashMap<>(consumer.endOffsets(partitions(consumer)));
        }
    }

    /** Records of this run in each output topic, read back with read_committed. */
    Map<String, Long> countKafka(String bootstrap, Properties client) {
        Map<String, Long> counts = new LinkedHashMap<>();
        outputs.forEach(topic -> counts.put(topic, 0L));
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap, client)) {
            List<TopicPartition> partitions = partitions(consumer);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions); // read_committed: the last stable offsets
            List<TopicPartition> toRead = partitions.stream()
                    .filter(p -> end.get(p) > startOffsets.getOrDefault(p, 0L))
                    .collect(Collectors.toList());
            consumer.assign(toRead);
            toRead.forEach(p -> consumer.seek(p, startOffsets.getOrDefault(p, 0L)));
            byte[] id = runId.getBytes(StandardCharsets.UTF_8);
            int idle = 0;
            while (!toRead.isEmpty() && idle < 20) {
                int read = 0;
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    read++;
                    Header header = record.headers().lastHeader(RUN_HEADER);
                    if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))
                            && header != null
                            && Arrays.equals(header.value(), id)) {
                        counts.merge(record.topic(), 1L, Long::sum);
                    }
                }
                idle = read == 0 ? idle + 1 : 0;
                List<TopicPartition> done = toRead.stream()
                        .filter(p -> consumer.position(p) >= end.get(p))
                        .toList();
                consumer.pause(done);
                toRead.removeAll(done);
            }
            if (!toRead.isEmpty()) {
                throw new IllegalStateException("could not read " + toRead + " up to " + end);
            }
        }
        return counts;
    }

    /** Lines of the finished part files under each output directory. */
    Map<String, Long> countFiles() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String dir : outputs) {
            long lines = 0;
            Path path = Path.of(dir);
            if (Files.isDirectory(path)) {
                try (Stream<Path> files = Files.walk(path)) {
                    for (Path file : files.filter(f -> Files.isRegularFile(f)
                                    && f.getFileName().toString().endsWith(".jsonl")
                                    && !f.getFileName().toString().startsWith("."))
                            .toList()) {
                        try (Stream<String> l = Files.lines(file)) {
                            lines += l.count();
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            counts.put(dir, lines);
        }
        return counts;
    }

    /** The end-of-run lines: per output, the records committed and how to look at them. */
    void print(PrintStream out, String outcome, Map<String, Long> counts, String bootstrap, boolean kafka) {
        out.println(command + ": " + outcome);
        int width = outputs.stream().mapToInt(String::length).max().orElse(10);
        for (String output : outputs) {
            String look = kafka
                    ? "bin/dpbalance datagen tail --topic " + output + " --bootstrap " + bootstrap + " --max 20"
                    : "files " + output + "/*.jsonl";
            out.printf(
                    Locale.ROOT,
                    "  %-" + width + "s %,10d records committed   %s%n",
                    output,
                    counts.getOrDefault(output, 0L),
                    look);
        }
        out.flush();
    }

    private List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : outputs) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(15));
            if (infos != null) {
                infos.forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
            }
        }
        return partitions;
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, Properties client) {
        Properties properties = new Properties();
        properties.putAll(client);
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        properties.put(ConsumerConfig.CLIENT_ID_CONFIG, "dpbalance-run-summary");
        return new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
