package io.dpbalance.jobs.analytics;

import static io.dpbalance.jobs.analytics.LogFixtures.T0;
import static io.dpbalance.jobs.analytics.LogFixtures.token;
import static org.assertj.core.api.Assertions.assertThat;

import io.dpbalance.jobs.common.SinkApplier;
import io.dpbalance.jobs.io.CaughtUpIdleness;
import io.dpbalance.jobs.io.KafkaConnectors;
import io.dpbalance.jobs.testing.KafkaBrokerExtension;
import io.dpbalance.schemas.Codecs;
import io.dpbalance.schemas.DeadLetter;
import io.dpbalance.schemas.DecodeResult;
import io.dpbalance.schemas.RankStep;
import io.dpbalance.schemas.StepMetrics;
import io.dpbalance.schemas.TokenEvent;
import io.dpbalance.schemas.WindowMetrics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10 item 2: a broker outage under a live exactly-once analytics job loses nothing. Before, the partitions went
 * idle during the outage ({@code withIdleness}), the watermark ran ahead of the records the broker still held, and
 * those came back "late" and were dropped (3,761 of 19,441 token events in the manual probe, 1,550 committed
 * StepMetrics with partial values).
 *
 * <p>12,000 token events (one cluster, 4 ranks on 4 partitions, 3,000 steps 20 ms apart) are produced while an
 * unbounded job reads them, with 2 s idleness; 6 s of broker outage in the middle (an {@link
 * io.dpbalance.jobs.testing.OutageProxy} cuts every client off; the producer buffers and sends after). The committed
 * output must equal that of a bounded run over the same records without an outage, and no record may be late.
 *
 * <p>Set {@code -Ddpbalance.outage.plainIdleness=true} to run it with Flink's plain idleness (the job before the fix):
 * it fails, with late records (dead letters {@code LATE_RECORD}) and different metrics.
 */
class BrokerOutageITCase {

    private static final int RANKS = 4;
    private static final int STEPS = 3_000;
    private static final long STEP_MILLIS = 20;
    private static final int REQUEST_STEPS = 100;
    private static final Duration IDLENESS = Duration.ofSeconds(2);
    private static final Duration OUTAGE = Duration.ofSeconds(6);
    private static final String CLUSTER = "k";

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension().withOutages();

    @Test
    void anOutageMidStreamChangesNoCommittedOutput() throws Exception {
        boolean plainIdleness = Boolean.getBoolean("dpbalance.outage.plainIdleness");
        List<ProducerRecord<byte[], byte[]>> stream = new ArrayList<>();
        for (String prefix : List.of("calm.", "outage.")) {
            KAFKA.createTopics(
                    RANKS,
                    prefix + "dp.token-events",
                    prefix + "dp.step-metrics",
                    prefix + "dp.window-metrics",
                    prefix + "dp.dead-letter");
        }

        // The run without an outage: bounded over the whole stream, produced before it starts.
        try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer()) {
            for (ProducerRecord<byte[], byte[]> record : records("calm.")) {
                producer.send(record);
            }
            producer.flush();
        }
        StreamExecutionEnvironment calm = environment();
        define(calm, "calm.", true, false);
        calm.execute("calm run");
        Output expected = output("calm.");
        assertThat(expected.steps).hasSize(STEPS);
        assertThat(expected.lateDeadLetters).isZero();

        // The live run: unbounded, reading while the stream is produced, with an outage in the middle.
        StreamExecutionEnvironment live = environment();
        define(live, "outage.", false, plainIdleness);
        JobClient job = live.executeAsync("outage run");
        stream.addAll(records("outage."));
        long outageSeen = KAFKA.produceWithOutage(stream, 30, OUTAGE);
        // The run has committed all it will once the cluster's last step and window are out: the flush records close
        // everything.
        Output actual = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            actual = output("outage.");
            // The sinks commit one after the other: wait for the last step metrics as well as the last window.
            if (actual.windows.size() >= expected.windows.size() && actual.steps.size() >= expected.steps.size()) {
                break;
            }
            Thread.sleep(500);
        }
        job.cancel().get();
        System.out.printf(
                "broker outage: %d ms from the cut to the end of production; committed %d step metrics, "
                        + "%d window metrics, %d dead letters (%d LATE_RECORD, %d of them at the step window); without the outage "
                        + "%d and %d%n",
                outageSeen,
                actual.steps.size(),
                actual.windows.size(),
                actual.deadLetters,
                actual.lateDeadLetters,
                actual.lateAtStepWindow,
                expected.steps.size(),
                expected.windows.size());
        assertThat(actual.lateDeadLetters)
                .as("token events late after the outage")
                .isZero();
        assertSameOutput(actual, expected);
    }

    /**
     * The token input caught up and idle while the rank-step input goes on: the token path still holds its last
     * max-out-of-orderness of tokens (they wait in the step-order operator for a watermark), and the step window, where
     * the two paths meet, ignores an idle input's watermark. Before {@link RequestStepOrderOperator} kept its idle
     * status while it held tokens, the rank-steps alone moved the step window past them and they came late at the drain
     * (the crash test's drain after its broker outage: 2,332 tokens dead-lettered late, 492 step metrics missing, there
     * by a race at the end of event time; here for certain: rank-steps 1 minute on). Output must equal a bounded run's.
     */
    @Test
    void heldTokensOfAnIdleTokenInputAreNotOvertakenByTheRankSteps(@TempDir Path dir) throws Exception {
        int tokenSteps = 250;
        int rankSteps = 3_250;
        for (String prefix : List.of("idle-calm.", "idle.")) {
            KAFKA.createTopics(
                    RANKS,
                    prefix + "dp.token-events",
                    prefix + "dp.rank-steps",
                    prefix + "dp.step-metrics",
                    prefix + "dp.window-metrics",
                    prefix + "dp.dead-letter");
        }
        try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer()) {
            tokens("idle-calm.", tokenSteps).forEach(producer::send);
            rankSteps("idle-calm.", 1, rankSteps).forEach(producer::send);
            producer.flush();
        }
        StreamExecutionEnvironment calm = environment();
        define(calm, "idle-calm.", true, false, true);
        calm.execute("bounded run, both inputs");
        Output expected = output("idle-calm.");
        assertThat(expected.steps).hasSize(tokenSteps);

        StreamExecutionEnvironment live = environment();
        define(live, "idle.", false, false, true);
        JobClient job = live.executeAsync("token input idle, rank-steps going on");
        try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer()) {
            tokens("idle.", tokenSteps).forEach(producer::send);
            rankSteps("idle.", 1, tokenSteps).forEach(producer::send);
            producer.flush();
            awaitCaughtUpAndIdle(job, "idle.group", 2L * RANKS * tokenSteps);
            rankSteps("idle.", tokenSteps + 1, rankSteps).forEach(producer::send);
            producer.flush();
        }
        awaitCaughtUpAndIdle(job, "idle.group", (long) RANKS * (tokenSteps + rankSteps));
        job.stopWithSavepoint(true, dir.toUri().toString(), SavepointFormatType.DEFAULT)
                .get(2, TimeUnit.MINUTES);
        job.getJobExecutionResult().get(1, TimeUnit.MINUTES);

        Output actual = output("idle.");
        System.out.printf(
                "token input idle while rank-steps go on, drained: %d step metrics of cluster %s (bounded run %d), "
                        + "%d dead letters (%d late)%n",
                actual.steps.size(), CLUSTER, expected.steps.size(), actual.deadLetters, actual.lateDeadLetters);
        assertThat(actual.lateDeadLetters).as("held tokens late").isZero();
        assertSameOutput(actual, expected);
    }

    /** Until the job has committed {@code records} offsets, then three times the idleness: every partition idle. */
    private static void awaitCaughtUpAndIdle(JobClient job, String group, long records) throws Exception {
        KAFKA.awaitCommitted(job, group, records, Duration.ofMinutes(2));
        Thread.sleep(IDLENESS.multipliedBy(3).toMillis());
    }

    /** Cluster "rs"'s rank-steps of steps {@code from..to}, 20 ms apart on the tokens' clock, a partition per rank. */
    private static List<ProducerRecord<byte[], byte[]>> rankSteps(String prefix, int from, int to) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int step = from; step <= to; step++) {
            for (int rank = 0; rank < RANKS; rank++) {
                RankStep r =
                        LogFixtures.rankStep("rs", rank, step, T0 + step * STEP_MILLIS, 1, 100L + step, null, null);
                records.add(new ProducerRecord<>(
                        prefix + "dp.rank-steps", rank, key("rs", rank), Codecs.RANK_STEP.encode(r)));
            }
        }
        return records;
    }

    /** Cluster k's committed step and window metrics equal, and no dead letter. */
    private static void assertSameOutput(Output actual, Output expected) {
        assertThat(differences(actual.steps, expected.steps))
                .as("committed step metrics that differ")
                .isEmpty();
        assertThat(differences(actual.windows, expected.windows))
                .as("committed window metrics that differ")
                .isEmpty();
        assertThat(actual.deadLetters).isZero();
    }

    /** The keys whose values differ (or are on one side only), the first 10 with both values. */
    private static <T> List<String> differences(Map<Long, T> actual, Map<Long, T> expected) {
        java.util.SortedSet<Long> keys = new java.util.TreeSet<>(actual.keySet());
        keys.addAll(expected.keySet());
        List<String> differ = new ArrayList<>();
        for (Long key : keys) {
            if (!java.util.Objects.equals(actual.get(key), expected.get(key))) {
                differ.add(
                        differ.size() < 10
                                ? key + ": " + actual.get(key) + " instead of " + expected.get(key)
                                : String.valueOf(key));
            }
        }
        return differ;
    }

    private static StreamExecutionEnvironment environment() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(500);
        return env;
    }

    private static AnalyticsSettings settings() {
        return new AnalyticsSettings(
                Map.of(),
                Duration.ofSeconds(1),
                IDLENESS,
                LogFixtures.SPREAD,
                Duration.ofSeconds(10),
                "reference",
                72,
                "reference",
                Duration.ofMinutes(10),
                128);
    }

    private static void define(StreamExecutionEnvironment env, String prefix, boolean bounded, boolean plainIdleness) {
        define(env, prefix, bounded, plainIdleness, false);
    }

    /** The analytics job over the prefix's token events (and its rank-steps too, when asked), exactly-once. */
    private static void define(
            StreamExecutionEnvironment env,
            String prefix,
            boolean bounded,
            boolean plainIdleness,
            boolean withRankSteps) {
        AnalyticsSettings settings = settings();
        String bootstrap = KAFKA.bootstrapServers();
        long timeout = Duration.ofMinutes(5).toMillis();
        TraceAnalyticsJob.defineWorkflow(
                env,
                settings,
                KafkaConnectors.source(
                        bootstrap,
                        prefix + "dp.token-events",
                        prefix + "group",
                        OffsetsInitializer.earliest(),
                        bounded,
                        new Properties(),
                        TraceAnalyticsJob.tokenEventDecoder(settings)),
                withRankSteps
                        ? KafkaConnectors.source(
                                bootstrap,
                                prefix + "dp.rank-steps",
                                prefix + "group",
                                OffsetsInitializer.earliest(),
                                bounded,
                                new Properties(),
                                TraceAnalyticsJob.rankStepDecoder(settings))
                        : null,
                SinkApplier.of(KafkaConnectors.sink(
                        bootstrap,
                        prefix + "dp.step-metrics",
                        StepMetrics.class,
                        DeliveryGuarantee.EXACTLY_ONCE,
                        prefix + "step",
                        timeout,
                        new Properties())),
                SinkApplier.of(KafkaConnectors.sink(
                        bootstrap,
                        prefix + "dp.window-metrics",
                        WindowMetrics.class,
                        DeliveryGuarantee.EXACTLY_ONCE,
                        prefix + "window",
                        timeout,
                        new Properties())),
                SinkApplier.of(KafkaConnectors.sink(
                        bootstrap,
                        prefix + "dp.dead-letter",
                        DeadLetter.class,
                        DeliveryGuarantee.EXACTLY_ONCE,
                        prefix + "dead",
                        timeout,
                        new Properties())),
                plainIdleness ? null : new CaughtUpIdleness.Broker(bootstrap, new Properties()));
    }

    /**
     * Cluster k: rank r on partition r runs one request at a time, 100 steps each, one token per step; then one token
     * of cluster "flush" per partition, 120 s later, so that an unbounded run's watermark passes all of k's steps.
     */
    private static List<ProducerRecord<byte[], byte[]>> records(String prefix) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(tokens(prefix, STEPS));
        String topic = prefix + "dp.token-events";
        for (int rank = 0; rank < RANKS; rank++) {
            TokenEvent t = token("flush", rank, 1, "flush-" + rank, T0 + STEPS * STEP_MILLIS + 120_000, 1, true);
            records.add(new ProducerRecord<>(topic, rank, key("flush", rank), Codecs.TOKEN_EVENT.encode(t)));
        }
        return records;
    }

    /** Cluster k's tokens of steps 1..{@code steps}: rank r on partition r runs one request of 100 steps at a time. */
    private static List<ProducerRecord<byte[], byte[]>> tokens(String prefix, int steps) {
        String topic = prefix + "dp.token-events";
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int step = 1; step <= steps; step++) {
            for (int rank = 0; rank < RANKS; rank++) {
                int index = (step - 1) % REQUEST_STEPS;
                String request = "r" + rank + "-" + (step - 1) / REQUEST_STEPS;
                TokenEvent t = token(
                        CLUSTER,
                        rank,
                        step,
                        request,
                        T0 + step * STEP_MILLIS,
                        100L * (rank + 1) + index,
                        index == REQUEST_STEPS - 1);
                records.add(new ProducerRecord<>(topic, rank, key(CLUSTER, rank), Codecs.TOKEN_EVENT.encode(t)));
            }
        }
        return records;
    }

    private static byte[] key(String cluster, int rank) {
        return (cluster + "/" + rank).getBytes(StandardCharsets.UTF_8);
    }

    /** Cluster k's committed output, by step and by window, and the dead letters. */
    private record Output(
            Map<Long, StepMetrics> steps,
            Map<Long, WindowMetrics> windows,
            long deadLetters,
            long lateDeadLetters,
            long lateAtStepWindow) {}

    private static Output output(String prefix) throws Exception {
        Map<Long, StepMetrics> steps = byKey(
                KAFKA.readCommitted(prefix + "dp.step-metrics"),
                r -> decoded(Codecs.STEP_METRICS.decode(r.value())),
                StepMetrics::getClusterId,
                StepMetrics::getStep);
        Map<Long, WindowMetrics> windows = byKey(
                KAFKA.readCommitted(prefix + "dp.window-metrics"),
                r -> decoded(Codecs.WINDOW_METRICS.decode(r.value())),
                WindowMetrics::getClusterId,
                w -> w.getWindowStart().toEpochMilli());
        List<DeadLetter> dead = KAFKA.readCommitted(prefix + "dp.dead-letter").stream()
                .map(r -> decoded(Codecs.DEAD_LETTER.decode(r.value())))
                .toList();
        long late = dead.stream()
                .filter(d -> d.getReason().startsWith(RequestStepOrderFunction.LATE_RECORD))
                .count();
        long atStepWindow = dead.stream()
                .filter(d -> d.getReason().startsWith(RequestStepOrderFunction.LATE_RECORD)
                        && d.getReason().contains("at the step window"))
                .count();
        return new Output(steps, windows, dead.size(), late, atStepWindow);
    }

    private static <T> Map<Long, T> byKey(
            List<ConsumerRecord<byte[], byte[]>> records,
            Function<ConsumerRecord<byte[], byte[]>, T> decode,
            Function<T, String> cluster,
            Function<T, Long> key) {
        Map<Long, T> byKey = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            T value = decode.apply(record);
            if (CLUSTER.equals(cluster.apply(value))) {
                T previous = byKey.put(key.apply(value), value);
                assertThat(previous).as("a duplicate of " + value).isNull();
            }
        }
        return byKey;
    }

    private static <T> T decoded(DecodeResult<T> result) {
        assertThat(result.isDecoded()).as(String.valueOf(result)).isTrue();
        return ((DecodeResult.Decoded<T>) result).value();
    }
}
