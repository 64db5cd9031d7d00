package io.dpbalance.datagen.generate;

import io.dpbalance.datagen.sink.TopicCount;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/**
 * What one generation wrote.
 *
 * @param description what was generated ({@link Generator#description()})
 * @param destination where it went: Kafka's bootstrap servers or the output directory
 * @param topics      per topic, records stored (Kafka: acknowledged) and their bytes
 * @param seconds     wall time from the first record to the end of the final flush
 * @param stopped     whether a stop request (SIGINT, SIGTERM) ended the generation early
 */
public record GenerationResult(
        String description, String destination, List<TopicCount> topics, double seconds, boolean stopped) {

    public GenerationResult {
        topics = List.copyOf(topics);
    }

    /** Records stored in the topic of this full name; 0 for a topic the generation did not write. */
    public long records(String topic) {
        return topics.stream()
                .filter(t -> t.topic().equals(topic))
                .mapToLong(TopicCount::records)
                .sum();
    }

    public long totalRecords() {
        return topics.stream().mapToLong(TopicCount::records).sum();
    }

    /** The summary table: per topic records, bytes, seconds and records per second, then the total. */
    public void print(PrintWriter out) {
        out.println(description);
        out.printf("%s to %s in %.2f s%n", stopped ? "stopped early (signal); wrote" : "wrote", destination, seconds);
        int width = Math.max(
                5, topics.stream().mapToInt(t -> t.topic().length()).max().orElse(0));
        String row = "%-" + width + "s  %12s  %14s  %8s  %12s%n";
        out.printf(row, "topic", "records", "bytes", "seconds", "records/s");
        for (TopicCount t : topics) {
            out.printf(row, t.topic(), t.records(), t.bytes(), format(seconds), format(rate(t.records())));
        }
        out.printf(
                row,
                "total",
                totalRecords(),
                topics.stream().mapToLong(TopicCount::bytes).sum(),
                format(seconds),
                format(rate(totalRecords())));
        out.flush();
    }

    private double rate(long records) {
        return seconds > 0 ? records / seconds : 0;
    }

    private static String format(double value) {
        return String.format(Locale.ROOT, value >= 100 ? "%.0f" : "%.2f", value);
    }
}
