package io.dpbalance.jobs.analytics;

import static io.dpbalance.jobs.testing.DatagenRun.datagen;
import static org.assertj.core.api.Assertions.assertThat;

import io.dpbalance.engine.metrics.CostModel;
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
import io.dpbalance.jobs.io.KafkaConnectors;
import io.dpbalance.jobs.testing.KafkaBrokerExtension;
import io.dpbalance.schemas.Codecs;
import io.dpbalance.schemas.DeadLetter;
import io.dpbalance.schemas.DecodeResult;
import io.dpbalance.schemas.RankStep;
import io.dpbalance.schemas.StepMetrics;
import io.dpbalance.schemas.WindowMetrics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Issue 11's known answer for sampled logs: the engine simulates a DP cluster and {@code datagen sglang-log} writes
 * the SGLang scheduler log it would produce (a line per DP rank every 40th decode step, the real line layout, Prefill
 * batch and HTTP access noise), rewritten here into the layout variants of other SGLang versions and with more
 * noise; {@code ingest} sends it to an in-JVM Kafka broker, the analytics job reads it, and the StepMetrics and
 * WindowMetrics it commits are compared with the engine's metrics on the same sampled steps, each standing for 40
 * steps: equal.
 *
 * <p>What "equal" allows: the log's stamps are whole seconds, so step_start is the engine's truncated to the second;
 * the log carries no step time, so the job times a step by the cost model on its busiest rank's load at the step's
 * end (docs/design.md §3) and energy, power times step time, is the engine's scaled to that step time. Sums of
 * doubles agree to 1e-9 relative (another order of addition).
 *
 * <p>Then the acceptance test: {@code ingest --follow} on a log that grows in three chunks while the job runs (parallelism
 * 2, one source split per partition): each chunk's steps are committed while the job runs.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SampledLogKafkaITCase {

    private static final int RANKS = 4;
    private static final int BATCH = 16;
    private static final int REQUESTS = 1500;
    private static final double TIME_SCALE = 0.2;
    private static final long INTERVAL = 40;
    private static final String CLUSTER = "cluster-0";
    private static final long START = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
    private static final long WINDOW_MILLIS = 10_000;
    private static final Duration OUT_OF_ORDERNESS = Duration.ofSeconds(2);
    private static final Duration SPREAD = Duration.ofSeconds(1);
    /**
     * Longer than any pause between the chunks of the follow test: a split idle past it stops holding the watermark
     * back, and the first split to read the next chunk would then carry the watermark past the other's records.
     */
    private static final Duration IDLENESS = Duration.ofSeconds(15);

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @TempDir
    static Path dir;

    /** The log as ingested: variants and noise included. */
    private static List<String> log;

    private static long noiseLines;
    /** The engine's metrics of every sampled step (step % 40 == 0), by step. */
    private static final Map<Long, StepStats> ENGINE = new TreeMap<>();

    private static CostModel costModel;

    private static AnalyticsSettings settings() {
        return new AnalyticsSettings(
                Map.of(CLUSTER, RANKS),
                OUT_OF_ORDERNESS,
                IDLENESS,
                SPREAD,
                Duration.ofMillis(WINDOW_MILLIS),
                "reference",
                BATCH,
                "reference",
                Duration.ofMinutes(10),
                128);
    }

    @BeforeAll
    static void generate() throws Exception {
        Path trace = ProjectData.azureConversationTrace();
        Path raw = dir.resolve("sglang-raw.log");
        datagen(
                "datagen",
                "sglang-log",
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
                "--interval",
                Long.toString(INTERVAL),
                "--cluster",
                CLUSTER,
                "--out",
                raw.toString());
        log = variants(Files.readAllLines(raw));

        // The engine on the same run: sglang-log simulates as decode-log's first cluster (policy seed 1).
        Workload workload = WorkloadReader.read(
                trace,
                WorkloadFormat.AUTO,
                ReadOptions.defaults().withTimeScale(TIME_SCALE).withLimit(REQUESTS));
        PolicyFactory.Instance vllm = PolicyFactory.create(PolicySpec.parse("vllm"), "hazard", 1);
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
                        if (metrics.step() % INTERVAL == 0) {
                            ENGINE.put(metrics.step(), metrics);
                        }
                    }
                });
        costModel = settings().parsedCostModel();
    }

    private static final Pattern DECODE =
            Pattern.compile("^\\[(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d) DP(\\d+) TP\\d+] Decode batch, (.*)$");

    /**
     * The generated log in the layouts of the SGLang versions the parser reads (docs/ingest.md), a different one per
     * rank, with more noise: DP0 as the issue quotes it; DP1 {@code Decode batch.} without {@code cuda graph} (older
     * versions); DP2 with an {@code EP} tag, {@code #running-req per DP}, {@code accept len} and {@code npu graph};
     * DP3 with milliseconds in the stamp. Noise: start-up output, health checks and blank lines besides the Prefill
     * batch and HTTP access lines sglang-log writes.
     */
    private static List<String> variants(List<String> raw) {
        List<String> out = new ArrayList<>();
        out.add("[2026-01-01 00:00:00] server_args=ServerArgs(model_path='some/model', dp_size=4, "
                + "enable_dp_attention=True, decode_log_interval=40)");
        out.add("Loading safetensors checkpoint shards: 100% Completed | 8/8");
        out.add("[2026-01-01 00:00:00 DP0 TP0] Load weight end. type=Model, dtype=torch.bfloat16, mem usage=15.3 GB.");
        out.add("");
        int decode = 0;
        for (String line : raw) {
            Matcher m = DECODE.matcher(line);
            if (!m.matches()) {
                out.add(line);
                continue;
            }
            decode++;
            String stamp = m.group(1);
            int rank = Integer.parseInt(m.group(2));
            String fields = m.group(3);
            out.add(
                    switch (rank % 4) {
                        case 0 -> line;
                        case 1 -> "[" + stamp + " DP1 TP1] Decode batch. " + fields.replace("cuda graph: True, ", "");
                        case 2 ->
                            "[" + stamp + " DP" + rank + " TP" + rank + " EP" + rank + "] Decode batch, "
                                    + fields.replaceFirst(
                                                    "(#running-req: \\d+), ", "$1, #running-req per DP: [3, 1, 4, 1], ")
                                            .replace("cuda graph: True", "accept len: 1.00, npu graph: True");
                        default -> "[" + stamp + ".250 DP" + rank + " TP" + rank + "] Decode batch, " + fields;
                    });
            if (decode % 97 == 0) {
                out.add("[" + stamp + "] INFO:     127.0.0.1:52814 - \"GET /health HTTP/1.1\" 200 OK");
            }
            if (decode % 131 == 0) {
                out.add("");
            }
        }
        noiseLines = out.size() - decode;
        return out;
    }

    /** Runs {@code bin/dpbalance ingest ...} in this thread; returns what it printed, failing unless it exits 0. */
    private static String ingest(String... args) {
        CommandLine cli = io.dpbalance.datagen.Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        List<String> all = new ArrayList<>(List.of("ingest", "sglang-log"));
        all.addAll(List.of(args));
        int exit = cli.execute(all.toArray(new String[0]));
        assertThat(exit).as("%s\n%s\n%s", all, out, err).isZero();
        return out.toString();
    }

    private static void defineJob(StreamExecutionEnvironment env, String prefix, boolean bounded) {
        String bootstrap = KAFKA.bootstrapServers();
        AnalyticsSettings settings = settings();
        Properties none = new Properties();
        long timeout = Duration.ofMinutes(5).toMillis();
        TraceAnalyticsJob.defineWorkflow(
                env,
                settings,
                null,
                KafkaConnectors.source(
                        bootstrap,
                        prefix + "dp.rank-steps",
                        prefix + "group",
                        OffsetsInitializer.earliest(),
                        bounded,
                        none,
                        TraceAnalyticsJob.rankStepDecoder(settings)),
                SinkApplier.of(KafkaConnectors.sink(
                        bootstrap,
                        prefix + "dp.step-metrics",
                        StepMetrics.class,
                        DeliveryGuarantee.EXACTLY_ONCE,
                        prefix + "step",
                        timeout,
                        none)),
                SinkApplier.of(KafkaConnectors.sink(
                        bootstrap,
                        prefix + "dp.window-metrics",
                        WindowMetrics.class,
                        DeliveryGuarantee.EXACTLY_ONCE,
                        prefix + "window",
                        timeout,
                        none)),
                SinkApplier.of(KafkaConnectors.sink(
                        bootstrap,
                        prefix + "dp.dead-letter",
                        DeadLetter.class,
                        DeliveryGuarantee.EXACTLY_ONCE,
                        prefix + "dead",
                        timeout,
                        none)));
    }

    private static <T> List<T> committed(String topic, AvroDecoder<T> codec) throws Exception {
        List<T> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : KAFKA.readCommitted(topic)) {
            DecodeResult<T> result = codec.decode(record.value());
            assertThat(result.isDecoded()).as(String.valueOf(result)).isTrue();
            out.add(((DecodeResult.Decoded<T>) result).value());
        }
        return out;
    }

    private interface AvroDecoder<T> {
        DecodeResult<T> decode(byte[] payload);
    }

    /** The sampled step's start as the log stamps it: the engine's, to the whole second. */
    private static long stampMillis(StepStats m) {
        long millis = START + (long) Math.floor(m.stepStart() * 1000.0);
        return Math.floorDiv(millis, 1000) * 1000;
    }

    /** The step time the job gives a rank-step without step_micros: the cost model on the busiest load. */
    private static double jobSeconds(StepStats m) {
        return costModel.stepSeconds(m.maxLoad());
    }

    private static boolean close(double expected, double actual, double relative) {
        return Math.abs(expected - actual) <= relative * Math.max(Math.abs(expected), Math.abs(actual)) + 1e-300;
    }

    private static void check(List<String> diffs, String what, Object expected, Object actual) {
        if (!expected.equals(actual)) {
            diffs.add(what + " " + actual + ", expected " + expected);
        }
    }

    private static void closeOrDiff(List<String> diffs, String what, double expected, double actual, double rel) {
        if (!close(expected, actual, rel)) {
            diffs.add(what + " " + actual + ", expected " + expected);
        }
    }

    /** Every difference of one committed StepMetrics from the engine's step. */
    private static void compareStep(List<String> diffs, StepMetrics a) {
        StepStats e = ENGINE.get(a.getStep());
        String at = "step " + a.getStep() + ": ";
        if (e == null) {
            diffs.add(at + "not a sampled step of the engine");
            return;
        }
        check(diffs, at + "cluster", CLUSTER, a.getClusterId());
        check(diffs, at + "policy", "observed", a.getPolicy());
        check(diffs, at + "sampled_steps", INTERVAL, a.getSampledSteps());
        check(diffs, at + "ranks", e.ranks(), a.getRanks());
        check(diffs, at + "max_load", e.maxLoad(), a.getMaxLoad());
        check(diffs, at + "total_load", e.totalLoad(), a.getTotalLoad());
        check(diffs, at + "imbalance", e.imbalance(), a.getImbalance());
        check(diffs, at + "idle_fraction", e.idleFraction(), a.getIdleFraction());
        check(diffs, at + "tokens", e.tokens(), a.getTokens());
        check(diffs, at + "running", e.tokens(), (long) a.getRunning());
        check(diffs, at + "step_start", stampMillis(e), a.getStepStart().toEpochMilli());
        double seconds = jobSeconds(e);
        double scale = seconds / e.stepSeconds();
        closeOrDiff(diffs, at + "step_seconds", seconds, a.getStepSeconds(), 1e-12);
        closeOrDiff(diffs, at + "energy_joules", e.energyJoules() * scale, a.getEnergyJoules(), 1e-9);
        closeOrDiff(diffs, at + "idle_energy_joules", e.idleEnergyJoules() * scale, a.getIdleEnergyJoules(), 1e-9);
    }

    private static String summary(List<String> diffs) {
        return diffs.size() + " differences, first: " + String.join("\n", diffs.subList(0, Math.min(30, diffs.size())));
    }

    @Test
    @Order(1)
    void committedMetricsOfTheIngestedSampledLogEqualTheEnginesOnTheSampledSteps() throws Exception {
        String prefix = "sampled.";
        datagen("topics", "create", "--prefix", prefix, "--partitions", "2", "--bootstrap", KAFKA.bootstrapServers());
        Path file = dir.resolve("sglang.log");
        Files.write(file, log);
        String printed = ingest(
                file.toString(),
                "--cluster",
                CLUSTER,
                "--log-interval",
                Long.toString(INTERVAL),
                "--topic-prefix",
                prefix,
                "--bootstrap",
                KAFKA.bootstrapServers());
        assertThat(printed)
                .contains(String.format("%-32s %d", "rank-steps written", ENGINE.size() * RANKS))
                .contains(String.format("%-32s %d", "skipped NOT_DECODE_LINE", noiseLines))
                .doesNotContain("rejected");

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(500);
        defineJob(env, prefix, true);
        env.execute("sampled log known answer");

        List<StepMetrics> steps = committed(prefix + "dp.step-metrics", Codecs.STEP_METRICS::decode);
        List<WindowMetrics> windows = committed(prefix + "dp.window-metrics", Codecs.WINDOW_METRICS::decode);
        assertThat(committed(prefix + "dp.dead-letter", Codecs.DEAD_LETTER::decode))
                .isEmpty();

        assertThat(steps)
                .extracting(StepMetrics::getStep)
                .as("every sampled step once")
                .containsExactlyInAnyOrderElementsOf(ENGINE.keySet());
        List<String> diffs = new ArrayList<>();
        steps.forEach(a -> compareStep(diffs, a));
        assertThat(diffs).as(summary(diffs)).isEmpty();

        // The engine's sampled steps rolled up as the job windows them, each standing for 40 steps.
        Map<Long, StepAggregate> expected = new TreeMap<>();
        for (StepStats e : ENGINE.values()) {
            double seconds = jobSeconds(e);
            double scale = seconds / e.stepSeconds();
            expected.computeIfAbsent(
                            Math.floorDiv(stampMillis(e), WINDOW_MILLIS) * WINDOW_MILLIS, k -> new StepAggregate())
                    .add(
                            e.imbalance(),
                            e.idleFraction(),
                            e.tokens(),
                            seconds,
                            e.energyJoules() * scale,
                            e.idleEnergyJoules() * scale,
                            INTERVAL);
        }
        Map<Long, WindowMetrics> actual = new TreeMap<>();
        windows.forEach(w -> assertThat(actual.put(w.getWindowStart().toEpochMilli(), w))
                .as("window once")
                .isNull());
        assertThat(actual.keySet()).containsExactlyElementsOf(expected.keySet());
        long samples = 0;
        long represented = 0;
        for (Map.Entry<Long, StepAggregate> entry : expected.entrySet()) {
            StepAggregate e = entry.getValue();
            WindowMetrics a = actual.get(entry.getKey());
            String at = "window " + Instant.ofEpochMilli(entry.getKey()) + ": ";
            check(
                    diffs,
                    at + "window_end",
                    entry.getKey() + WINDOW_MILLIS,
                    a.getWindowEnd().toEpochMilli());
            check(diffs, at + "steps", e.totalSteps(), a.getSteps());
            check(diffs, at + "samples", e.samples(), a.getSamples());
            check(diffs, at + "tokens", e.tokens, a.getTokens());
            check(diffs, at + "late_records", 0L, a.getLateRecords());
            check(diffs, at + "missing_rank_steps", 0L, a.getMissingRankSteps());
            double[] p = e.idleFractionPercentiles(50, 95, 99);
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
            samples += a.getSamples();
            represented += a.getSteps();
        }
        assertThat(diffs).as(summary(diffs)).isEmpty();
        assertThat(samples).isEqualTo(ENGINE.size());
        assertThat(represented).isEqualTo(ENGINE.size() * INTERVAL);
        System.out.printf(
                "sampled log: %d lines (%d noise), %d samples standing for %d steps, %d windows: equal%n",
                log.size(), noiseLines, samples, represented, windows.size());
    }

    /** Sampled steps of the log whose stamps lie in [from, to]. */
    private static List<Long> stepsStamped(long from, long to) {
        return ENGINE.values().stream()
                .filter(e -> stampMillis(e) >= from && stampMillis(e) <= to)
                .map(StepStats::step)
                .toList();
    }

    private static final Pattern STAMP = Pattern.compile("^\\[(\\d{4}-\\d\\d-\\d\\d) (\\d\\d:\\d\\d:\\d\\d)");

    private static long stampOf(String line) {
        Matcher m = STAMP.matcher(line);
        return m.find() ? Instant.parse(m.group(1) + "T" + m.group(2) + "Z").toEpochMilli() : Long.MIN_VALUE;
    }

    /**
     * The acceptance test: {@code ingest --follow} into Kafka while the analytics job runs (parallelism 2, unbounded),
     * on a log appended in three chunks. After each chunk, the steps the watermark can have closed (stamped at least
     * out-of-orderness + max step spread + 1 s before the chunk's newest line) are committed, among them steps of the
     * chunk itself, and they are the engine's.
     */
    @Test
    @Order(2)
    void ingestFollowingAGrowingLogShowsEachChunksMetricsWhileTheJobRuns() throws Exception {
        String prefix = "follow.";
        datagen("topics", "create", "--prefix", prefix, "--partitions", "2", "--bootstrap", KAFKA.bootstrapServers());
        Path file = dir.resolve("growing.log");
        Files.writeString(file, "");
        int third = log.size() / 3;
        List<List<String>> chunks =
                List.of(log.subList(0, third), log.subList(third, 2 * third), log.subList(2 * third, log.size()));

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(300);
        defineJob(env, prefix, false);
        JobClient job = env.executeAsync("sampled log, followed");
        String[] printed = new String[1];
        Thread follower = new Thread(
                () -> printed[0] = ingest(
                        file.toString(),
                        "--follow",
                        "--poll-millis",
                        "100",
                        "--cluster",
                        CLUSTER,
                        "--topic-prefix",
                        prefix,
                        "--bootstrap",
                        KAFKA.bootstrapServers()),
                "ingest-follow");
        follower.start();
        long closedBefore = Long.MIN_VALUE;
        long waitedLongest = 0;
        try {
            for (int c = 0; c < chunks.size(); c++) {
                List<String> chunk = chunks.get(c);
                long chunkFirst = chunk.stream()
                        .mapToLong(SampledLogKafkaITCase::stampOf)
                        .filter(t -> t != Long.MIN_VALUE)
                        .min()
                        .orElseThrow();
                long chunkLast = chunk.stream()
                        .mapToLong(SampledLogKafkaITCase::stampOf)
                        .max()
                        .orElseThrow();
                long closable = chunkLast - OUT_OF_ORDERNESS.toMillis() - SPREAD.toMillis() - 1000;
                List<Long> due = stepsStamped(Long.MIN_VALUE, closable);
                List<Long> ofThisChunk = stepsStamped(Math.max(chunkFirst, closedBefore + 1), closable);
                assertThat(ofThisChunk)
                        .as("chunk %d has steps of its own to show", c + 1)
                        .isNotEmpty();

                long appended = System.nanoTime();
                Files.writeString(
                        file, String.join("\n", chunk) + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
                List<StepMetrics> steps = List.of();
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (true) {
                    steps = committed(prefix + "dp.step-metrics", Codecs.STEP_METRICS::decode);
                    List<Long> got = steps.stream().map(StepMetrics::getStep).toList();
                    if (got.containsAll(due)) {
                        break;
                    }
                    assertThat(System.nanoTime())
                            .as(
                                    "chunk %d: steps up to %s committed while the job runs; have %d of %d",
                                    c + 1, Instant.ofEpochMilli(closable), got.size(), due.size())
                            .isLessThan(deadline);
                    assertThat(job.getJobStatus().get().isGloballyTerminalState())
                            .as("the job runs")
                            .isFalse();
                    Thread.sleep(100);
                }
                waitedLongest = Math.max(waitedLongest, (System.nanoTime() - appended) / 1_000_000);
                assertThat(steps)
                        .extracting(StepMetrics::getStep)
                        .as("each step once")
                        .doesNotHaveDuplicates();
                List<String> diffs = new ArrayList<>();
                steps.forEach(s -> compareStep(diffs, s));
                assertThat(diffs).as(summary(diffs)).isEmpty();
                System.out.printf(
                        "chunk %d: %d lines, %d of its steps among %d committed after %d ms%n",
                        c + 1,
                        chunk.size(),
                        ofThisChunk.size(),
                        steps.size(),
                        (System.nanoTime() - appended) / 1_000_000);
                closedBefore = closable;
            }
            assertThat(waitedLongest)
                    .as("every pause shorter than the idleness")
                    .isLessThan(IDLENESS.toMillis());
            assertThat(committed(prefix + "dp.window-metrics", Codecs.WINDOW_METRICS::decode))
                    .as("closed windows committed too")
                    .isNotEmpty()
                    .allSatisfy(w -> assertThat(w.getLateRecords()).isZero());
            assertThat(committed(prefix + "dp.dead-letter", Codecs.DEAD_LETTER::decode))
                    .isEmpty();
        } finally {
            follower.interrupt();
            follower.join(15_000);
            job.cancel().get();
        }
        assertThat(follower.isAlive()).isFalse();
        assertThat(printed[0])
                .as("an interrupted ingest prints its summary")
                .contains(String.format("%-32s %d", "rank-steps written", ENGINE.size() * RANKS));
        List<RankStep> written = committed(prefix + "dp.rank-steps", Codecs.RANK_STEP::decode);
        assertThat(written)
                .hasSize(ENGINE.size() * RANKS)
                .allSatisfy(r -> assertThat(r.getSampledSteps()).isEqualTo(40L));
    }
}
