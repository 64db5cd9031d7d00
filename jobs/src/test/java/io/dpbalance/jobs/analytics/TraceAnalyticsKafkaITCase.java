package io.dpbalance.jobs.analytics;

import static io.dpbalance.jobs.analytics.LogFixtures.T0;
import static io.dpbalance.jobs.analytics.LogFixtures.settings;
import static io.dpbalance.jobs.analytics.LogFixtures.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.dpbalance.jobs.common.DeadLetters;
import io.dpbalance.jobs.common.SinkApplier;
import io.dpbalance.jobs.io.KafkaConnectors;
import io.dpbalance.jobs.testing.KafkaBrokerExtension;
import io.dpbalance.schemas.Codecs;
import io.dpbalance.schemas.DeadLetter;
import io.dpbalance.schemas.DecodeResult;
import io.dpbalance.schemas.StepMetrics;
import io.dpbalance.schemas.TokenEvent;
import io.dpbalance.schemas.WindowMetrics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The job against a real Kafka broker started in the test JVM: token events produced to a fresh topic, the job run
 * bounded (up to the offsets at its start) with exactly-once sinks, dp.step-metrics and the other outputs read back.
 */
class TraceAnalyticsKafkaITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @Test
    void writesStepMetricsOfTokenEventsReadFromKafka() throws Exception {
        String prefix = "kafka-it.";
        KAFKA.createTopics(
                2,
                prefix + "dp.token-events",
                prefix + "dp.step-metrics",
                prefix + "dp.window-metrics",
                prefix + "dp.dead-letter");
        try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer()) {
            // cluster k, 2 ranks: step 1 loads (30, 10); step 2 loads (31, 0) as k2 finishes on rank 1
            for (TokenEvent t : List.of(
                    token("k", 0, 1, "k1", T0, 30, false), token("k", 1, 1, "k2", T0, 10, false),
                    token("k", 0, 2, "k1", T0 + 20, 31, false), token("k", 1, 2, "k2", T0 + 20, 11, true))) {
                byte[] key = (t.getClusterId() + "/" + t.getRank()).getBytes(StandardCharsets.UTF_8);
                producer.send(new ProducerRecord<>(prefix + "dp.token-events", key, Codecs.TOKEN_EVENT.encode(t)))
                        .get();
            }
            producer.send(new ProducerRecord<>(
                            prefix + "dp.token-events", "k/0".getBytes(StandardCharsets.UTF_8), new byte[] {0, 1, 2}))
                    .get();
        }

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(500);
        AnalyticsSettings settings = settings();
        String bootstrap = KAFKA.bootstrapServers();
        TraceAnalyticsJob.defineWorkflow(
                env,
                settings,
                KafkaConnectors.source(
                        bootstrap,
                        prefix + "dp.token-events",
                        "it-group",
                        OffsetsInitializer.earliest(),
                        true,
                        new Properties(),
                        TraceAnalyticsJob.tokenEventDecoder(settings)),
                null,
                SinkApplier.of(KafkaConnectors.sink(
                        bootstrap,
                        prefix + "dp.step-metrics",
                        StepMetrics.class,
                        DeliveryGuarantee.EXACTLY_ONCE,
                        "it-step",
                        Duration.ofMinutes(5).toMillis(),
                        new Properties())),
                SinkApplier.of(KafkaConnectors.sink(
                        bootstrap,
                        prefix + "dp.window-metrics",
                        WindowMetrics.class,
                        DeliveryGuarantee.EXACTLY_ONCE,
                        "it-window",
                        Duration.ofMinutes(5).toMillis(),
                        new Properties())),
                SinkApplier.of(KafkaConnectors.sink(
                        bootstrap,
                        prefix + "dp.dead-letter",
                        DeadLetter.class,
                        DeliveryGuarantee.EXACTLY_ONCE,
                        "it-dead",
                        Duration.ofMinutes(5).toMillis(),
                        new Properties())));
        env.execute("kafka test");

        List<ConsumerRecord<byte[], byte[]>> stepRecords = KAFKA.readCommitted(prefix + "dp.step-metrics");
        List<StepMetrics> steps = stepRecords.stream()
                .map(r -> decoded(Codecs.STEP_METRICS.decode(r.value())))
                .toList();
        assertThat(steps)
                .extracting(
                        StepMetrics::getStep,
                        StepMetrics::getMaxLoad,
                        StepMetrics::getTotalLoad,
                        StepMetrics::getImbalance,
                        StepMetrics::getRanks)
                .containsExactlyInAnyOrder(tuple(1L, 30L, 40L, 20L, 2), tuple(2L, 31L, 31L, 31L, 2));
        assertThat(stepRecords)
                .allSatisfy(r ->
                        assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("k"));

        assertThat(KAFKA.readCommitted(prefix + "dp.window-metrics"))
                .singleElement()
                .satisfies(r -> assertThat(
                                decoded(Codecs.WINDOW_METRICS.decode(r.value())).getSteps())
                        .isEqualTo(2));
        assertThat(KAFKA.readCommitted(prefix + "dp.dead-letter"))
                .singleElement()
                .satisfies(r -> {
                    DeadLetter letter = decoded(Codecs.DEAD_LETTER.decode(r.value()));
                    assertThat(letter.getReason()).startsWith("TOO_SHORT");
                    assertThat(letter.getClusterId()).isEqualTo("k");
                });
    }

    /**
     * Issue 10's probes against the broker: a 1 MB record (400 KB key, 600 KB value) made the job fail over forever,
     * since its dead letter exceeded the producer's max request size; a duplicated final token was counted twice; an
     * empty cluster_id made a phantom cluster. Now each is one bounded dead letter and the metrics are those of the
     * valid tokens alone.
     */
    @Test
    void hostileRecordsBecomeBoundedDeadLettersAndLeaveTheMetricsAlone() throws Exception {
        String prefix = "hostile-it.";
        KAFKA.createTopics(
                1,
                prefix + "dp.token-events",
                prefix + "dp.step-metrics",
                prefix + "dp.window-metrics",
                prefix + "dp.dead-letter");
        TokenEvent lastOfK2 = token("k", 1, 2, "k2", T0 + 20, 11, true);
        try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer()) {
            for (TokenEvent t : List.of(
                    token("k", 0, 1, "k1", T0, 30, false),
                    token("k", 1, 1, "k2", T0, 10, false),
                    token("k", 0, 2, "k1", T0 + 20, 31, false),
                    lastOfK2,
                    lastOfK2,
                    token("", 0, 2, "k3", T0 + 20, 5, false))) {
                byte[] key = (t.getClusterId() + "/" + t.getRank()).getBytes(StandardCharsets.UTF_8);
                producer.send(new ProducerRecord<>(prefix + "dp.token-events", key, Codecs.TOKEN_EVENT.encode(t)))
                        .get();
            }
            byte[] hugeKey = "h".repeat(400 * 1024).getBytes(StandardCharsets.UTF_8);
            byte[] hugeValue = new byte[600 * 1024];
            producer.send(new ProducerRecord<>(prefix + "dp.token-events", hugeKey, hugeValue))
                    .get();
        }

        // No restarts: a dead letter that cannot be written fails execute() instead of failing over forever.
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        env.enableCheckpointing(500);
        AnalyticsSettings settings = settings();
        String bootstrap = KAFKA.bootstrapServers();
        TraceAnalyticsJob.defineWorkflow(
                env,
                settings,
                KafkaConnectors.source(
                        bootstrap,
                        prefix + "dp.token-events",
                        "hostile-group",
                        OffsetsInitializer.earliest(),
                        true,
                        new Properties(),
                        TraceAnalyticsJob.tokenEventDecoder(settings)),
                null,
                SinkApplier.of(KafkaConnectors.sink(
                        bootstrap,
                        prefix + "dp.step-metrics",
                        StepMetrics.class,
                        DeliveryGuarantee.EXACTLY_ONCE,
                        "hostile-step",
                        Duration.ofMinutes(5).toMillis(),
                        new Properties())),
                SinkApplier.of(KafkaConnectors.sink(
                        bootstrap,
                        prefix + "dp.window-metrics",
                        WindowMetrics.class,
                        DeliveryGuarantee.EXACTLY_ONCE,
                        "hostile-window",
                        Duration.ofMinutes(5).toMillis(),
                        new Properties())),
                SinkApplier.of(KafkaConnectors.sink(
                        bootstrap,
                        prefix + "dp.dead-letter",
                        DeadLetter.class,
                        DeliveryGuarantee.EXACTLY_ONCE,
                        "hostile-dead",
                        Duration.ofMinutes(5).toMillis(),
                        new Properties())));
        env.execute("hostile records test");

        List<StepMetrics> steps = KAFKA.readCommitted(prefix + "dp.step-metrics").stream()
                .map(r -> decoded(Codecs.STEP_METRICS.decode(r.value())))
                .toList();
        assertThat(steps)
                .extracting(
                        StepMetrics::getClusterId,
                        StepMetrics::getStep,
                        StepMetrics::getMaxLoad,
                        StepMetrics::getTotalLoad,
                        StepMetrics::getRanks)
                .containsExactlyInAnyOrder(tuple("k", 1L, 30L, 40L, 2), tuple("k", 2L, 31L, 31L, 2));
        List<ConsumerRecord<byte[], byte[]>> dead = KAFKA.readCommitted(prefix + "dp.dead-letter");
        assertThat(dead)
                .extracting(r -> DeadLetters.code(
                        decoded(Codecs.DEAD_LETTER.decode(r.value())).getReason()))
                .containsExactlyInAnyOrder("STEP_REPEATED", "EMPTY_CLUSTER_ID", "BAD_MARKER");
        assertThat(dead)
                .allSatisfy(r -> assertThat(r.key().length + r.value().length).isLessThan(20 * 1024));
        DeadLetter huge = dead.stream()
                .map(r -> decoded(Codecs.DEAD_LETTER.decode(r.value())))
                .filter(letter -> letter.getPayloadSize() != null)
                .findFirst()
                .orElseThrow();
        assertThat(huge.getPayloadSize()).isEqualTo(600L * 1024);
        assertThat(huge.getClusterIdSize()).isEqualTo(400L * 1024);
        assertThat(huge.getOffset()).isEqualTo(6);
    }

    private static <T> T decoded(DecodeResult<T> result) {
        assertThat(result.isDecoded()).as(String.valueOf(result)).isTrue();
        return ((DecodeResult.Decoded<T>) result).value();
    }
}
