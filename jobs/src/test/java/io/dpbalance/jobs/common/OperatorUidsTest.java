package io.dpbalance.jobs.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpbalance.jobs.analytics.AnalyticsSettings;
import io.dpbalance.jobs.analytics.TraceAnalyticsJob;
import io.dpbalance.jobs.io.KafkaConnectors;
import io.dpbalance.jobs.shadow.ShadowSchedulerJob;
import io.dpbalance.jobs.shadow.ShadowSettings;
import io.dpbalance.schemas.Assignment;
import io.dpbalance.schemas.DeadLetter;
import io.dpbalance.schemas.StepMetrics;
import io.dpbalance.schemas.WindowMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

/**
 * State evolution is deliberate: a savepoint maps each operator's state by the operator's uid, so a uid that is missing
 * (Flink then derives one from the graph's shape, which any change of the job moves) or that changes makes a restore
 * drop that state or fail. Every operator of both jobs' graphs (sources, keyed functions, sinks with their writers and
 * committers) has an explicit uid, and the uids are exactly the golden lists below. Changing one is a state-layout
 * change: it needs a migration (or --allow-non-restored-state, which drops the state), and this list changes with it.
 */
class OperatorUidsTest {

    private static final String BOOTSTRAP = "127.0.0.1:1"; // never contacted: the graphs are only built

    /** Every operator uid of the analytics job's Kafka graph (token events and rank-steps, step metrics on). */
    static final List<String> ANALYTICS = List.of(
            "Sink Committer: dead-letter-sink",
            "Sink Committer: step-metrics-sink",
            "Sink Committer: window-metrics-sink",
            "dead-letter-count",
            "dead-letter-sink",
            "rank-steps-as-loads",
            "rank-steps-source",
            "rank-steps-triage",
            "request-step-order",
            "step-metrics",
            "step-metrics-records",
            "step-metrics-sink",
            "step-windows",
            "token-events-as-tokens",
            "token-events-source",
            "token-events-triage",
            "token-fold",
            // Since analytics-layout-2 the windows roll up in step-metrics; this uid stays on the late records' path
            // as CarriedWindowsOperator, which hands a layout-1 savepoint's open windows to step-metrics.
            "window-metrics",
            "window-metrics-sink");

    /** Every operator uid of the shadow job's Kafka graph (step metrics and assignments on). */
    static final List<String> SHADOW = List.of(
            "Sink Committer: assignments-sink",
            "Sink Committer: dead-letter-sink",
            "Sink Committer: step-metrics-sink",
            "Sink Committer: window-metrics-sink",
            "assignments-sink",
            "dead-letter-count",
            "dead-letter-sink",
            "request-repeat-check",
            "requests-per-policy",
            "requests-source",
            "requests-triage",
            "shadow-scheduler",
            "step-metrics-sink",
            "window-metrics-sink");

    @Test
    void everyOperatorOfTheAnalyticsJobHasItsFixedUid() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        AnalyticsSettings settings = AnalyticsSettings.defaults();
        Properties none = new Properties();
        TraceAnalyticsJob.defineWorkflow(
                env,
                settings,
                KafkaConnectors.source(
                        BOOTSTRAP,
                        "dp.token-events",
                        "g",
                        OffsetsInitializer.earliest(),
                        false,
                        none,
                        TraceAnalyticsJob.tokenEventDecoder(settings)),
                KafkaConnectors.source(
                        BOOTSTRAP,
                        "dp.rank-steps",
                        "g",
                        OffsetsInitializer.earliest(),
                        false,
                        none,
                        TraceAnalyticsJob.rankStepDecoder(settings)),
                sink("dp.step-metrics", StepMetrics.class),
                sink("dp.window-metrics", WindowMetrics.class),
                sink("dp.dead-letter", DeadLetter.class));
        assertThat(uids(env.getStreamGraph())).isEqualTo(ANALYTICS);
    }

    @Test
    void everyOperatorOfTheShadowJobHasItsFixedUid() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        ShadowSchedulerJob.defineWorkflow(
                env,
                ShadowSettings.defaults(),
                KafkaConnectors.source(
                        BOOTSTRAP,
                        "dp.requests",
                        "g",
                        OffsetsInitializer.earliest(),
                        false,
                        new Properties(),
                        ShadowSchedulerJob.arrivalDecoder()),
                sink("dp.step-metrics", StepMetrics.class),
                sink("dp.assignments", Assignment.class),
                sink("dp.window-metrics", WindowMetrics.class),
                sink("dp.dead-letter", DeadLetter.class));
        assertThat(uids(env.getStreamGraph())).isEqualTo(SHADOW);
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> SinkApplier<T> sink(
            String topic, Class<T> type) {
        return SinkApplier.of(KafkaConnectors.sink(
                BOOTSTRAP, topic, type, DeliveryGuarantee.EXACTLY_ONCE, "t-" + topic, 600_000, new Properties()));
    }

    /** The graph's operator uids, sorted; an operator without one fails the test, naming it. */
    static List<String> uids(StreamGraph graph) {
        List<String> uids = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (StreamNode node : graph.getStreamNodes()) {
            if (node.getTransformationUID() == null) {
                missing.add(node.getOperatorName());
            } else {
                uids.add(node.getTransformationUID());
            }
        }
        assertThat(missing).as("operators without an explicit uid").isEmpty();
        uids.sort(null);
        return uids;
    }
}
