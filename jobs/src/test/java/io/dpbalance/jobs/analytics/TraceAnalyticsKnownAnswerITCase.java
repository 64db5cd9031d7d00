package io.dpbalance.jobs.analytics;

import static io.dpbalance.jobs.testing.DatagenRun.datagen;
import static org.assertj.core.api.Assertions.assertThat;

import io.dpbalance.engine.metrics.StepAggregate;
import io.dpbalance.engine.metrics.StepStats;
import io.dpbalance.engine.policy.PolicyFactory;
import io.dpbalance.engine.policy.PolicySpec;
import io.dpbalance.engine.sim.ClusterConfig;
import io.dpbalance.engine.sim.SimulationListener;
import io.dpbalance.engine.sim.Simulator;
import io.dpbalance.engine.sim.WorkloadMode;
import io.dpbalance.engine.testing.ProjectData;
import io.dpbalance.engine.trace.ReadOptions;
import io.dpbalance.engine.trace.Workload;
import io.dpbalance.engine.trace.WorkloadFormat;
import io.dpbalance.engine.trace.WorkloadReader;
import io.dpbalance.jobs.common.SinkApplier;
import io.dpbalance.jobs.io.FileConnectors;
import io.dpbalance.jobs.io.InputRecord;
import io.dpbalance.jobs.io.KafkaConnectors;
import io.dpbalance.jobs.testing.KafkaBrokerExtension;
import io.dpbalance.schemas.DeadLetter;
import io.dpbalance.schemas.RankStep;
import io.dpbalance.schemas.StepMetrics;
import io.dpbalance.schemas.TokenEvent;
import io.dpbalance.schemas.WindowMetrics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.ToLongFunction;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Known answer through the whole path: a decode log of the Azure trace for two clusters, made by {@code datagen
 * decode-log} (to an in-JVM broker and to files), analysed by the job (token events only, rank-steps only, files in
 * batch mode), and every StepMetrics and WindowMetrics compared with what the engine's simulator computes for the same
 * runs.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TraceAnalyticsKnownAnswerITCase {

    private static final int RANKS = 4;
    private static final int BATCH = 16;
    private static final int REQUESTS = 1500;
    private static final double TIME_SCALE = 0.2;
    private static final List<String> CLUSTERS = List.of("cluster-0", "cluster-1");
    /** Time 0 of an unpaced decode-log (files, --as-fast-as-possible). */
    private static final long START = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();

    private static final String PREFIX = "known.";
    private static final long WINDOW_MILLIS = 10_000;

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @TempDir
    static Path dir;

    /** The engine's steps per cluster. */
    private static final Map<String, List<StepStats>> ENGINE = new TreeMap<>();

    @BeforeAll
    static void generate() throws Exception {
        Path trace = ProjectData.azureConversationTrace();
        datagen("topics", "create", "--prefix", PREFIX, "--partitions", "2", "--bootstrap", KAFKA.bootstrapServers());
        List<String> decodeLog = List.of(
                "datagen",
                "decode-log",
                "--workload",
                trace.toString(),
                "--limit",
                Integer.toString(REQUESTS),
                "--time-scale",
                Double.toString(TIME_SCALE),
                "--ranks",
                Integer.toString(RANKS),
                "--batch",
                Integer.toString(BATCH),
                "--policy",
                "vllm",
                "--granularity",
                "both",
                "--clusters",
                Integer.toString(CLUSTERS.size()));
        List<String> toKafka = new ArrayList<>(decodeLog);
        toKafka.addAll(
                List.of("--topic-prefix", PREFIX, "--as-fast-as-possible", "--bootstrap", KAFKA.bootstrapServers()));
        datagen(toKafka.toArray(new String[0]));
        List<String> toFiles = new ArrayList<>(decodeLog);
        toFiles.addAll(List.of("--out", dir.resolve("log").toString()));
        datagen(toFiles.toArray(new String[0]));

        // The engine on the same runs: what decode-log simulates per cluster (cluster i seeds its policy with 1 + i).
        Workload workload = WorkloadReader.read(
                trace,
                WorkloadFormat.AUTO,
                ReadOptions.defaults().withTimeScale(TIME_SCALE).withLimit(REQUESTS));
        for (int i = 0; i < CLUSTERS.size(); i++) {
            PolicyFactory.Instance vllm = PolicyFactory.create(PolicySpec.parse("vllm"), "hazard", 1 + i);
            List<StepStats> steps = new ArrayList<>();
            Simulator.run(
                    workload.requests(),
                    WorkloadMode.ARRIVAL,
                    ClusterConfig.reference(RANKS, BATCH),
                    0,
                    vllm.policy(),
                    vllm.lookahead(),
                    new SimulationListener() {
                        @Override
                        public void onStep(StepStats metrics) {
                            steps.add(metrics);
                        }
                    });
            ENGINE.put(CLUSTERS.get(i), steps);
        }
    }

    private static AnalyticsSettings settings() {
        return new AnalyticsSettings(
                Map.of("cluster-0", RANKS, "cluster-1", RANKS),
                Duration.ofSeconds(2),
                Duration.ofSeconds(30),
                Duration.ofSeconds(1),
                Duration.ofMillis(WINDOW_MILLIS),
                "reference",
                BATCH,
                "reference",
                Duration.ofMinutes(10),
                128);
    }

    /** What one run of the job wrote. */
    private record Output(List<StepMetrics> steps, List<WindowMetrics> windows, List<DeadLetter> deadLetters) {}

    private static Output run(
            boolean batch, Source<InputRecord<TokenEvent>, ?, ?> tokens, Source<InputRecord<RankStep>, ?, ?> rankSteps)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        if (batch) {
            env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        }
        CollectingSink<StepMetrics> steps = new CollectingSink<>();
        CollectingSink<WindowMetrics> windows = new CollectingSink<>();
        CollectingSink<DeadLetter> deadLetters = new CollectingSink<>();
        TraceAnalyticsJob.defineWorkflow(
                env,
                settings(),
                tokens,
                rankSteps,
                SinkApplier.of(steps),
                SinkApplier.of(windows),
                SinkApplier.of(deadLetters));
        env.execute("known answer");
        return new Output(steps.values(), windows.values(), deadLetters.values());
    }

    private static Source<InputRecord<TokenEvent>, ?, ?> kafkaTokens(String group) {
        return KafkaConnectors.source(
                KAFKA.bootstrapServers(),
                PREFIX + "dp.token-events",
                group,
                OffsetsInitializer.earliest(),
                true,
                new Properties(),
                TraceAnalyticsJob.tokenEventDecoder(settings()));
    }

    private static Source<InputRecord<RankStep>, ?, ?> kafkaRankSteps(String group) {
        return KafkaConnectors.source(
                KAFKA.bootstrapServers(),
                PREFIX + "dp.rank-steps",
                group,
                OffsetsInitializer.earliest(),
                true,
                new Properties(),
                TraceAnalyticsJob.rankStepDecoder(settings()));
    }

    private static Source<InputRecord<RankStep>, ?, ?> fileRankSteps() {
        return FileConnectors.avroContainer(
                new org.apache.flink.core.fs.Path(
                        dir.resolve("log/dp.rank-steps.avro").toUri()),
                TraceAnalyticsJob.rankStepDecoder(settings()));
    }

    private static long stepStartMillis(StepStats m) {
        return START + (long) Math.floor(m.stepStart() * 1000.0);
    }

    /** The step time a rank-step record carries: the engine's, rounded to the microsecond. */
    private static double loggedSeconds(StepStats m) {
        return Math.round(m.stepSeconds() * 1e6) / 1e6;
    }

    private static Map<String, List<StepMetrics>> byCluster(List<StepMetrics> steps) {
        Map<String, List<StepMetrics>> out = new TreeMap<>();
        for (StepMetrics s : steps) {
            out.computeIfAbsent(s.getClusterId(), c -> new ArrayList<>()).add(s);
        }
        out.values().forEach(l -> l.sort(Comparator.comparingLong(StepMetrics::getStep)));
        return out;
    }

    private static boolean close(double expected, double actual, double relative) {
        return Math.abs(expected - actual) <= relative * Math.max(Math.abs(expected), Math.abs(actual)) + 1e-300;
    }

    /**
     * Compares the job's steps with the engine's, field by field; returns every difference (empty when all agree).
     *
     * @param measured whether step times come from the log's step_micros (the engine's rounded to the µs)
     * @param time the step time the job assigns (its step_start)
     */
    private static List<String> compareSteps(Output output, boolean measured, ToLongFunction<StepStats> time) {
        List<String> diffs = new ArrayList<>();
        Map<String, List<StepMetrics>> actual = byCluster(output.steps());
        assertThat(actual.keySet()).containsExactlyElementsOf(CLUSTERS);
        for (String cluster : CLUSTERS) {
            List<StepStats> expected = ENGINE.get(cluster);
            List<StepMetrics> got = actual.get(cluster);
            if (got.size() != expected.size()) {
                diffs.add(cluster + ": " + got.size() + " steps, engine " + expected.size());
                continue;
            }
            for (int k = 0; k < expected.size(); k++) {
                StepStats e = expected.get(k);
                StepMetrics a = got.get(k);
                String at = cluster + " step " + e.step() + ": ";
                check(diffs, at + "step", e.step(), a.getStep());
                check(diffs, at + "ranks", e.ranks(), a.getRanks());
                check(diffs, at + "max_load", e.maxLoad(), a.getMaxLoad());
                check(diffs, at + "total_load", e.totalLoad(), a.getTotalLoad());
                check(diffs, at + "imbalance", e.imbalance(), a.getImbalance());
                check(diffs, at + "idle_fraction", e.idleFraction(), a.getIdleFraction());
                check(diffs, at + "tokens", e.tokens(), a.getTokens());
                check(diffs, at + "running", e.tokens(), (long) a.getRunning());
                check(
                        diffs,
                        at + "step_start",
                        time.applyAsLong(e),
                        a.getStepStart().toEpochMilli());
                check(diffs, at + "policy", "observed", a.getPolicy());
                // Energy is power times step time: scaled to the step time the log carries it must agree to rounding.
                double seconds = measured ? loggedSeconds(e) : e.stepSeconds();
                double scale = seconds / e.stepSeconds();
                if (!close(seconds, a.getStepSeconds(), 1e-12)) {
                    diffs.add(at + "step_seconds " + a.getStepSeconds() + ", expected " + seconds + " (engine "
                            + e.stepSeconds() + ", relative " + (a.getStepSeconds() - e.stepSeconds()) / e.stepSeconds()
                            + ")");
                }
                if (!close(e.energyJoules() * scale, a.getEnergyJoules(), 1e-9)) {
                    diffs.add(at + "energy_joules " + a.getEnergyJoules() + ", engine " + e.energyJoules()
                            + " (relative " + (a.getEnergyJoules() - e.energyJoules()) / e.energyJoules() + ")");
                }
                if (!close(e.idleEnergyJoules() * scale, a.getIdleEnergyJoules(), 1e-9)) {
                    diffs.add(
                            at + "idle_energy_joules " + a.getIdleEnergyJoules() + ", engine " + e.idleEnergyJoules());
                }
            }
        }
        return diffs;
    }

    private static void check(List<String> diffs, String what, Object expected, Object actual) {
        if (!expected.equals(actual)) {
            diffs.add(what + " " + actual + ", expected " + expected);
        }
    }

    /** The engine's steps rolled up as the job defines its windows: 10 s tumbling on the step's time. */
    private static List<String> compareWindows(
            Output output, boolean measured, ToLongFunction<StepStats> time, Map<String, Long> missing) {
        List<String> diffs = new ArrayList<>();
        Map<String, WindowMetrics> actual = new TreeMap<>();
        for (WindowMetrics w : output.windows()) {
            String key = w.getClusterId() + "@" + w.getWindowStart().toEpochMilli();
            if (actual.put(key, w) != null) {
                diffs.add("window " + key + " twice");
            }
        }
        Map<String, StepAggregate> expected = new TreeMap<>();
        Map<String, long[]> bounds = new TreeMap<>();
        for (String cluster : CLUSTERS) {
            for (StepStats e : ENGINE.get(cluster)) {
                long start = Math.floorDiv(time.applyAsLong(e), WINDOW_MILLIS) * WINDOW_MILLIS;
                String key = cluster + "@" + start;
                double seconds = measured ? loggedSeconds(e) : e.stepSeconds();
                double scale = seconds / e.stepSeconds();
                expected.computeIfAbsent(key, k -> new StepAggregate())
                        .add(
                                e.imbalance(),
                                e.idleFraction(),
                                e.tokens(),
                                seconds,
                                e.energyJoules() * scale,
                                e.idleEnergyJoules() * scale);
                bounds.put(key, new long[] {start, start + WINDOW_MILLIS});
            }
        }
        if (!actual.keySet().equals(expected.keySet())) {
            diffs.add("windows " + actual.keySet() + ", expected " + expected.keySet());
            return diffs;
        }
        for (Map.Entry<String, StepAggregate> entry : expected.entrySet()) {
            StepAggregate e = entry.getValue();
            WindowMetrics a = actual.get(entry.getKey());
            String at = "window " + entry.getKey() + ": ";
            check(
                    diffs,
                    at + "window_end",
                    bounds.get(entry.getKey())[1],
                    a.getWindowEnd().toEpochMilli());
            check(diffs, at + "steps", e.steps, a.getSteps());
            check(diffs, at + "tokens", e.tokens, a.getTokens());
            check(diffs, at + "late_records", 0L, a.getLateRecords());
            check(diffs, at + "missing_rank_steps", missing.getOrDefault(entry.getKey(), 0L), a.getMissingRankSteps());
            double[] p = e.idleFractionPercentiles(50, 95, 99);
            // Sums of doubles: the job may add the same steps in another order.
            closeOrDiff(diffs, at + "avg_imbalance", e.avgImbalance(), a.getAvgImbalance(), 1e-12);
            closeOrDiff(diffs, at + "avg_idle_fraction", e.avgIdleFraction(), a.getAvgIdleFraction(), 1e-12);
            closeOrDiff(diffs, at + "p50_idle_fraction", p[0], a.getP50IdleFraction(), 1e-12);
            closeOrDiff(diffs, at + "p95_idle_fraction", p[1], a.getP95IdleFraction(), 1e-12);
            closeOrDiff(diffs, at + "p99_idle_fraction", p[2], a.getP99IdleFraction(), 1e-12);
            closeOrDiff(diffs, at + "energy_joules", e.energyJoules, a.getEnergyJoules(), 1e-9);
            closeOrDiff(diffs, at + "idle_energy_joules", e.idleEnergyJoules, a.getIdleEnergyJoules(), 1e-9);
            closeOrDiff(diffs, at + "tokens_per_joule", e.tokensPerJoule(), a.getTokensPerJoule(), 1e-9);
            closeOrDiff(
                    diffs, at + "throughput_tokens_per_s", e.throughputTokensPerS(), a.getThroughputTokensPerS(), 1e-9);
        }
        return diffs;
    }

    private static void closeOrDiff(List<String> diffs, String what, double expected, double actual, double rel) {
        if (!close(expected, actual, rel)) {
            diffs.add(what + " " + actual + ", expected " + expected + " (relative " + (actual - expected) / expected
                    + ")");
        }
    }

    private static String summary(List<String> diffs) {
        return diffs.size() + " differences, first: " + String.join("\n", diffs.subList(0, Math.min(30, diffs.size())));
    }

    private static Output rankStepsFromKafka;
    private static Output rankStepsFromFiles;
    private static Output tokensFromKafka;

    @Test
    @Order(1)
    void rankStepsFromKafkaGiveTheEnginesSteps() throws Exception {
        Output output = run(false, null, kafkaRankSteps("known-rank-steps"));
        rankStepsFromKafka = output;
        report("kafka rank-steps", output);
        assertThat(output.deadLetters()).isEmpty();
        List<String> diffs = compareSteps(output, true, TraceAnalyticsKnownAnswerITCase::stepStartMillis);
        assertThat(diffs).as(summary(diffs)).isEmpty();
        List<String> windowDiffs =
                compareWindows(output, true, TraceAnalyticsKnownAnswerITCase::stepStartMillis, Map.of());
        assertThat(windowDiffs).as(summary(windowDiffs)).isEmpty();
    }

    @Test
    @Order(2)
    void rankStepsFromFilesInBatchModeGiveTheEnginesSteps() throws Exception {
        Output output = run(true, null, fileRankSteps());
        rankStepsFromFiles = output;
        report("file rank-steps (batch)", output);
        assertThat(output.deadLetters()).isEmpty();
        List<String> diffs = compareSteps(output, true, TraceAnalyticsKnownAnswerITCase::stepStartMillis);
        assertThat(diffs).as(summary(diffs)).isEmpty();
        List<String> windowDiffs =
                compareWindows(output, true, TraceAnalyticsKnownAnswerITCase::stepStartMillis, Map.of());
        assertThat(windowDiffs).as(summary(windowDiffs)).isEmpty();
    }

    /**
     * Token events are stamped with their step's start, as rank-steps are, so steps fall in the same windows. From token
     * events the step time is the cost model on the busiest rank's load entering the step, which they give exactly: the
     * engine's own step time, not rounded to the microsecond.
     */
    @Test
    @Order(3)
    void tokenEventsFromKafkaGiveTheEnginesSteps() throws Exception {
        Output output = run(false, kafkaTokens("known-tokens"), null);
        tokensFromKafka = output;
        report("kafka token events", output);
        assertThat(output.deadLetters()).isEmpty();
        List<String> diffs = compareSteps(output, false, TraceAnalyticsKnownAnswerITCase::stepStartMillis);
        assertThat(diffs).as(summary(diffs)).isEmpty();
        // A rank that ran nothing in a step has no token event: it counts as a missing rank-step (the rank-steps of the
        // same log say which: running 0).
        List<String> windowDiffs = compareWindows(
                output, false, TraceAnalyticsKnownAnswerITCase::stepStartMillis, idleRankStepsByWindow());
        assertThat(windowDiffs).as(summary(windowDiffs)).isEmpty();
    }

    /**
     * The three paths agree with each other: files and Kafka exactly; token events on every field but the step time's
     * microsecond rounding (rank-steps carry step_micros) and what only rank-steps carry (compute times).
     */
    @Test
    @Order(4)
    void thePathsGiveTheSameSteps() {
        assertThat(rankStepsFromKafka).as("rank-steps from Kafka ran").isNotNull();
        assertThat(rankStepsFromFiles).as("rank-steps from files ran").isNotNull();
        assertThat(tokensFromKafka).as("token events from Kafka ran").isNotNull();
        Map<String, List<StepMetrics>> kafkaRanks = byCluster(rankStepsFromKafka.steps());
        Map<String, List<StepMetrics>> fileRanks = byCluster(rankStepsFromFiles.steps());
        Map<String, List<StepMetrics>> kafkaTokens = byCluster(tokensFromKafka.steps());
        assertThat(fileRanks).isEqualTo(kafkaRanks);
        List<String> diffs = new ArrayList<>();
        for (String cluster : CLUSTERS) {
            List<StepMetrics> ranks = kafkaRanks.get(cluster);
            List<StepMetrics> tokens = kafkaTokens.get(cluster);
            assertThat(tokens).hasSameSizeAs(ranks);
            for (int k = 0; k < ranks.size(); k++) {
                StepMetrics r = ranks.get(k);
                StepMetrics t = tokens.get(k);
                String at = cluster + " step " + r.getStep() + ": ";
                check(diffs, at + "step", r.getStep(), t.getStep());
                check(diffs, at + "ranks", r.getRanks(), t.getRanks());
                check(diffs, at + "running", r.getRunning(), t.getRunning());
                check(diffs, at + "max_load", r.getMaxLoad(), t.getMaxLoad());
                check(diffs, at + "total_load", r.getTotalLoad(), t.getTotalLoad());
                check(diffs, at + "imbalance", r.getImbalance(), t.getImbalance());
                check(diffs, at + "idle_fraction", r.getIdleFraction(), t.getIdleFraction());
                check(diffs, at + "tokens", r.getTokens(), t.getTokens());
                // step_micros is the step time rounded to the microsecond
                if (Math.abs(r.getStepSeconds() - t.getStepSeconds()) > 0.5e-6 + 1e-15) {
                    diffs.add(at + "step_seconds " + t.getStepSeconds() + " from tokens, " + r.getStepSeconds()
                            + " from ranks");
                }
                if (!t.getStepStart().equals(r.getStepStart())) {
                    diffs.add(at + "step_start " + t.getStepStart() + " from tokens, " + r.getStepStart()
                            + " from ranks");
                }
            }
        }
        assertThat(diffs).as(summary(diffs)).isEmpty();
    }

    /** Rank-steps of the log with running 0, per window of the step (cluster@window_start). */
    private static Map<String, Long> idleRankStepsByWindow() throws Exception {
        Map<String, Long> missing = new TreeMap<>();
        try (DataFileReader<RankStep> in = new DataFileReader<>(
                dir.resolve("log/dp.rank-steps.avro").toFile(), new SpecificDatumReader<>(RankStep.class))) {
            for (RankStep r : in) {
                if (r.getRunning() == 0) {
                    long start = stepStartMillis(ENGINE.get(r.getClusterId()).get((int) r.getStep() - 1));
                    missing.merge(
                            r.getClusterId() + "@" + Math.floorDiv(start, WINDOW_MILLIS) * WINDOW_MILLIS,
                            1L,
                            Long::sum);
                }
            }
        }
        return missing;
    }

    private static void report(String what, Output output) {
        Map<String, List<StepMetrics>> steps = byCluster(output.steps());
        StringBuilder b = new StringBuilder(what + ":");
        steps.forEach(
                (c, l) -> b.append(' ').append(c).append('=').append(l.size()).append(" steps"));
        b.append(", ")
                .append(output.windows().size())
                .append(" windows, ")
                .append(output.deadLetters().size())
                .append(" dead letters; engine:");
        ENGINE.forEach((c, l) -> b.append(' ').append(c).append('=').append(l.size()));
        System.out.println(b);
    }
}
