package io.dpbalance.jobs.shadow;

import io.dpbalance.engine.testing.ProjectData;
import io.dpbalance.engine.trace.ReadOptions;
import io.dpbalance.engine.trace.WorkloadFormat;
import io.dpbalance.engine.trace.WorkloadReader;
import io.dpbalance.jobs.common.SinkApplier;
import io.dpbalance.jobs.io.KafkaConnectors;
import io.dpbalance.schemas.Assignment;
import io.dpbalance.schemas.DeadLetter;
import io.dpbalance.schemas.RequestArrival;
import io.dpbalance.schemas.StepMetrics;
import io.dpbalance.schemas.WindowMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.common.TopicPartition;

/**
 * The Kafka ITCases' shadow fixture: the Azure trace replayed for several clusters (partition i holds cluster i),
 * the shadow settings they share, and the job over a replay topic that stops once it read every record.
 */
final class ShadowReplay {

    static final long START = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();

    private ShadowReplay() {}

    /** The first {@code limit} requests at 5x the trace's rate, as one list of arrivals per cluster, in arrival order. */
    static List<List<RequestArrival>> perCluster(List<String> clusters, int limit) {
        var requests = WorkloadReader.read(
                        ProjectData.azureConversationTrace(),
                        WorkloadFormat.AZURE,
                        ReadOptions.defaults().withLimit(limit).withTimeScale(0.2))
                .sortedByArrival();
        List<List<RequestArrival>> out = new ArrayList<>();
        for (String cluster : clusters) {
            List<RequestArrival> records = new ArrayList<>();
            for (var r : requests) {
                records.add(new RequestArrival(
                        cluster,
                        r.id(),
                        Instant.ofEpochMilli(START + (long) Math.floor(r.arrival() * 1000)),
                        (long) r.promptTokens(),
                        (long) r.outputTokens(),
                        null,
                        null));
            }
            out.add(records);
        }
        return out;
    }

    /** 4 ranks x batch 16, reference cost and power, no lag, 10 min max-hold, 2 s windows. */
    static ShadowSettings settings(List<String> policies) {
        return ShadowSettings.defaults()
                .withPolicies(policies)
                .withClusters(Map.of(), new ClusterSpec(4, 16, "reference", "reference"))
                .withTiming(Duration.ZERO, Duration.ofMinutes(10), Duration.ofSeconds(2));
    }

    /**
     * The job over {@code prefix}dp.requests on {@code env} (configured by the caller), stopping at the end of
     * {@code records}, into sinks of {@code guarantee}; without a step-metrics sink unless {@code stepMetrics}.
     */
    static JobGraph job(
            StreamExecutionEnvironment env,
            String bootstrap,
            String prefix,
            ShadowSettings settings,
            List<List<RequestArrival>> records,
            DeliveryGuarantee guarantee,
            boolean stepMetrics) {
        Map<TopicPartition, Long> end = new HashMap<>();
        for (int p = 0; p < records.size(); p++) {
            end.put(new TopicPartition(prefix + "dp.requests", p), (long)
                    records.get(p).size());
        }
        Properties none = new Properties();
        ShadowSchedulerJob.defineWorkflow(
                env,
                settings,
                KafkaConnectors.source(
                        bootstrap,
                        prefix + "dp.requests",
                        prefix + "group",
                        OffsetsInitializer.earliest(),
                        OffsetsInitializer.offsets(end),
                        none,
                        ShadowSchedulerJob.arrivalDecoder()),
                stepMetrics
                        ? SinkApplier.of(KafkaConnectors.sink(
                                bootstrap,
                                prefix + "dp.step-metrics",
                                StepMetrics.class,
                                guarantee,
                                prefix + "steps",
                                600_000,
                                none))
                        : SinkApplier.discard(),
                SinkApplier.of(KafkaConnectors.sink(
                        bootstrap,
                        prefix + "dp.assignments",
                        Assignment.class,
                        guarantee,
                        prefix + "assignments",
                        600_000,
                        none)),
                SinkApplier.of(KafkaConnectors.sink(
                        bootstrap,
                        prefix + "dp.window-metrics",
                        WindowMetrics.class,
                        guarantee,
                        prefix + "windows",
                        600_000,
                        none)),
                SinkApplier.of(KafkaConnectors.sink(
                        bootstrap,
                        prefix + "dp.dead-letter",
                        DeadLetter.class,
                        guarantee,
                        prefix + "dead-letters",
                        600_000,
                        none)));
        return env.getStreamGraph().getJobGraph();
    }
}
