package io.dpbalance.demo;

import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * The shadow job's decision-time histograms ({@code decisionLatencyMicros}, per cluster and policy), taken from the
 * embedded Flink's metric system by an in-process reporter: the honest source of decision times, since no output
 * record carries them. The histogram keeps each policy's last 10 000 decisions.
 */
public final class DecisionLatencies implements MetricReporter {

    /** The Flink configuration key prefix of this reporter. */
    static final String REPORTER = "metrics.reporter.dpbalance-demo.factory.class";

    private static final String METRIC = "decisionLatencyMicros";
    private static final Map<String, Histogram> HISTOGRAMS = new ConcurrentHashMap<>();

    static String key(String cluster, String policy) {
        return cluster + "\u0000" + policy;
    }

    /** p99 decision time in microseconds per {@link #key(String, String)}, of the histograms seen so far. */
    static Map<String, Double> p99Micros() {
        Map<String, Double> p99 = new TreeMap<>();
        HISTOGRAMS.forEach((key, histogram) -> {
            if (histogram.getCount() > 0) {
                p99.put(key, histogram.getStatistics().getQuantile(0.99));
            }
        });
        return p99;
    }

    @Override
    public void open(MetricConfig config) {}

    @Override
    public void close() {}

    @Override
    public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
        if (METRIC.equals(name) && metric instanceof Histogram histogram) {
            Map<String, String> variables = group.getAllVariables();
            String cluster = variables.get("<cluster>");
            String policy = variables.get("<policy>");
            if (cluster != null && policy != null) {
                HISTOGRAMS.put(key(cluster, policy), histogram);
            }
        }
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
        // Kept: the last histogram of a stopped job still describes the run for the final table and the report.
    }

    /** Registered in META-INF/services; Flink makes the reporter from the configuration key {@link #REPORTER}. */
    public static final class Factory implements MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            return new DecisionLatencies();
        }
    }
}
