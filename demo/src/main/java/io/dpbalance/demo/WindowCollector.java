package io.dpbalance.demo;

import io.dpbalance.schemas.Codecs;
import io.dpbalance.schemas.DecodeResult;
import io.dpbalance.schemas.WindowMetrics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the window metrics the jobs committed (read_committed: records of open or aborted transactions never show),
 * from the start of the topic, into a {@link WindowTable}. {@link #readToEnd} reads until the consumer's position is
 * the topic's last stable offset; the demo runs it in a loop on its own thread while the jobs run, and an independent
 * instance re-reads the topic at the end to check the report.
 */
final class WindowCollector implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<TopicPartition> partitions;
    private final WindowTable table = new WindowTable();
    private final AtomicLong undecodable = new AtomicLong();

    WindowCollector(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        consumer = new KafkaConsumer<>(p);
        partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(info -> new TopicPartition(topic, info.partition()))
                .toList();
        if (partitions.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " has no partitions (was it created?)");
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /**
     * Polls until every partition's position reaches its end offset as of the call (read_committed: the last stable
     * offset), or {@code timeout} passes.
     *
     * @return whether the end was reached
     */
    boolean readToEnd(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
        while (true) {
            boolean caughtUp = true;
            for (TopicPartition tp : partitions) {
                if (consumer.position(tp, timeout) < end.get(tp)) {
                    caughtUp = false;
                    break;
                }
            }
            if (caughtUp) {
                return true;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            for (ConsumerRecord<byte[], byte[]> record :
                    consumer.poll(Duration.ofNanos(Math.min(left, 500_000_000L)))) {
                DecodeResult<WindowMetrics> decoded = Codecs.WINDOW_METRICS.decode(record.value());
                if (decoded instanceof DecodeResult.Decoded<WindowMetrics> ok) {
                    synchronized (table) {
                        table.add(ok.value());
                    }
                } else {
                    undecodable.incrementAndGet();
                }
            }
        }
    }

    /** Runs {@code read} on the table under its lock. */
    <R> R withTable(Function<WindowTable, R> read) {
        synchronized (table) {
            return read.apply(table);
        }
    }

    /** Records that did not decode as WindowMetrics (shown in the status line, never silently dropped). */
    long undecodable() {
        return undecodable.get();
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
