package io.dpbalance.jobs.shadow;

import static io.dpbalance.jobs.testing.DatagenRun.datagen;
import static org.assertj.core.api.Assertions.assertThat;

import io.dpbalance.engine.metrics.StepStats;
import io.dpbalance.engine.model.Request;
import io.dpbalance.engine.policy.PolicyFactory;
import io.dpbalance.engine.policy.PolicySpec;
import io.dpbalance.engine.sim.SimulationListener;
import io.dpbalance.engine.sim.Simulator;
import io.dpbalance.engine.sim.WorkloadMode;
import io.dpbalance.engine.testing.ProjectData;
import io.dpbalance.jobs.analytics.CollectingSink;
import io.dpbalance.jobs.common.SinkApplier;
import io.dpbalance.jobs.io.FileConnectors;
import io.dpbalance.jobs.io.InputRecord;
import io.dpbalance.jobs.io.KafkaConnectors;
import io.dpbalance.jobs.io.MetricRecords;
import io.dpbalance.jobs.testing.KafkaBrokerExtension;
import io.dpbalance.schemas.Assignment;
import io.dpbalance.schemas.Codecs;
import io.dpbalance.schemas.DeadLetter;
import io.dpbalance.schemas.RequestArrival;
import io.dpbalance.schemas.StepMetrics;
import io.dpbalance.schemas.WindowMetrics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Same answer as the engine: the Azure trace replayed for two clusters (datagen replay: output lengths known
 * at arrival; datagen decode-log: production's completions later), run through the shadow job on a MiniCluster with
 * five policies; every policy's StepMetrics and Assignments equal the simulator's arrival-mode run on the same
 * requests, step by step — from Kafka, from Kafka out of order with garbage mixed in, from files in batch mode, and
 * with completions coming after the lag.
 */
class ShadowSchedulerKnownAnswerITCase {

    private static final int RANKS = 4;
    private static final int BATCH = 16;
    private static final int REQUESTS = 1000;
    private static final double TIME_SCALE = 0.2;
    private static final List<String> CLUSTERS = List.of("cluster-0", "cluster-1");
    private static final List<String> POLICIES =
            List.of("vllm", "least-tokens", "bfio:h=0", "bfio:h=20", "bfio:h=20,lookahead=hazard");

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    @TempDir
    static Path dir;

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @BeforeAll
    static void generate() throws Exception {
        String trace = ProjectData.azureConversationTrace().toString();
        List<String> workload = List.of(
                "--workload",
                trace,
                "--limit",
                Integer.toString(REQUESTS),
                "--time-scale",
                Double.toString(TIME_SCALE),
                "--clusters",
                Integer.toString(CLUSTERS.size()));
        datagen(
                "topics",
                "create",
                "--prefix",
                "replay.",
                "--partitions",
                "2",
                "--bootstrap",
                KAFKA.bootstrapServers());
        datagen("topics", "create", "--prefix", "log.", "--partitions", "2", "--bootstrap", KAFKA.bootstrapServers());
        datagen(concat(
                List.of("datagen", "replay"),
                workload,
                List.of(
                        "--topic-prefix",
                        "replay.",
                        "--as-fast-as-possible",
                        "--bootstrap",
                        KAFKA.bootstrapServers())));
        datagen(concat(
                List.of("datagen", "replay"),
                workload,
                List.of("--out", dir.resolve("replay").toString())));
        // Production (vllm on the same cluster shape) logs each request twice: at arrival, and when it finished.
        List<String> decodeLog = List.of(concat(
                List.of("datagen", "decode-log"),
                workload,
                List.of(
                        "--ranks",
                        Integer.toString(RANKS),
                        "--batch",
                        Integer.toString(BATCH),
                        "--policy",
                        "vllm",
                        "--granularity",
                        "rank")));
        datagen(concat(
                decodeLog,
                List.of("--topic-prefix", "log.", "--as-fast-as-possible", "--bootstrap", KAFKA.bootstrapServers())));
        datagen(concat(decodeLog, List.of("--out", dir.resolve("log").toString())));
    }

    @SafeVarargs
    private static String[] concat(List<String>... parts) {
        List<String> all = new ArrayList<>();
        for (List<String> p : parts) {
            all.addAll(p);
        }
        return all.toArray(new String[0]);
    }

    private static ShadowSettings settings(Duration lag) {
        return ShadowSettings.defaults()
                .withPolicies(POLICIES)
                .withClusters(Map.of(), new ClusterSpec(RANKS, BATCH, "reference", "reference"))
                .withTiming(lag, Duration.ofMinutes(10), Duration.ofSeconds(2));
    }

    /** What one run of the job wrote. */
    record Output(
            List<StepMetrics> steps,
            List<Assignment> assignments,
            List<WindowMetrics> windows,
            List<DeadLetter> deadLetters) {}

    static Output run(boolean batch, ShadowSettings settings, Source<InputRecord<RequestArrival>, ?, ?> requests)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        if (batch) {
            env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        }
        CollectingSink<StepMetrics> steps = new CollectingSink<>();
        CollectingSink<Assignment> assignments = new CollectingSink<>();
        CollectingSink<WindowMetrics> windows = new CollectingSink<>();
        CollectingSink<DeadLetter> deadLetters = new CollectingSink<>();
        ShadowSchedulerJob.defineWorkflow(
                env,
                settings,
                requests,
                SinkApplier.of(steps),
                SinkApplier.of(assignments),
                SinkApplier.of(windows),
                SinkApplier.of(deadLetters));
        env.execute("shadow known answer");
        return new Output(steps.values(), assignments.values(), windows.values(), deadLetters.values());
    }

    private static Source<InputRecord<RequestArrival>, ?, ?> kafka(String topic, String group) {
        return KafkaConnectors.source(
                KAFKA.bootstrapServers(),
                topic,
                group,
                OffsetsInitializer.earliest(),
                true,
                new Properties(),
                ShadowSchedulerJob.arrivalDecoder());
    }

    /** The request records of a datagen file, in file order. */
    private static List<RequestArrival> records(Path file) throws Exception {
        List<RequestArrival> out = new ArrayList<>();
        try (DataFileReader<RequestArrival> in =
                new DataFileReader<>(file.toFile(), new SpecificDatumReader<>(RequestArrival.class))) {
            for (RequestArrival r : in) {
                out.add(RequestArrival.newBuilder(r).build());
            }
        }
        return out;
    }

    /**
     * The simulator's answer per (cluster, policy label): over each cluster's requests with the output length its
     * records give, ordered by (arrival, id) and numbered so, clock 0 at the first arrival.
     */
    static Map<String, Output> engine(List<RequestArrival> records, ShadowSettings settings) {
        Map<String, Map<String, RequestArrival>> byCluster = new TreeMap<>();
        for (RequestArrival r : records) {
            if (r.getOutputTokens() != null) {
                byCluster
                        .computeIfAbsent(r.getClusterId(), c -> new HashMap<>())
                        .put(r.getRequestId(), r);
            }
        }
        Map<String, Output> expected = new TreeMap<>();
        byCluster.forEach((cluster, requests) -> {
            List<RequestArrival> sorted = new ArrayList<>(requests.values());
            sorted.sort(Comparator.comparingLong(
                            (RequestArrival r) -> r.getArrivalTime().toEpochMilli())
                    .thenComparing(RequestArrival::getRequestId));
            long origin = sorted.get(0).getArrivalTime().toEpochMilli();
            List<Request> input = new ArrayList<>();
            for (RequestArrival r : sorted) {
                input.add(new Request(
                        r.getRequestId(),
                        input.size(),
                        (r.getArrivalTime().toEpochMilli() - origin) / 1000.0,
                        Math.toIntExact(r.getPromptTokens()),
                        Math.toIntExact(r.getOutputTokens())));
            }
            for (String label : settings.policies()) {
                PolicyFactory.Instance p =
                        PolicyFactory.create(PolicySpec.parse(label), settings.lookahead(), settings.seed());
                List<StepMetrics> steps = new ArrayList<>();
                List<Assignment> placements = new ArrayList<>();
                Simulator.run(
                        input,
                        WorkloadMode.ARRIVAL,
                        settings.cluster(cluster).config(),
                        0,
                        p.policy(),
                        p.lookahead(),
                        new SimulationListener() {
                            @Override
                            public void onStep(StepStats m) {
                                steps.add(MetricRecords.stepMetrics(
                                        cluster,
                                        label,
                                        m,
                                        origin + (long) Math.floor(m.stepStart() * 1000.0),
                                        m.tokens(),
                                        1));
                            }

                            @Override
                            public void onPlacement(
                                    Request request, int rank, long afterStep, double clock, long waited) {
                                placements.add(Assignment.newBuilder()
                                        .setClusterId(cluster)
                                        .setPolicy(label)
                                        .setRequestId(request.id())
                                        .setRank(rank)
                                        .setStep(afterStep)
                                        .setQueueWaitMillis(Math.round((clock - request.arrival()) * 1000.0))
                                        .build());
                            }
                        });
                expected.put(cluster + "|" + label, new Output(steps, placements, List.of(), List.of()));
            }
        });
        return expected;
    }

    /** The job's output per (cluster, policy), steps by step number, assignments by (step, request order). */
    static Map<String, Output> byShadow(Output output) {
        Map<String, List<StepMetrics>> steps = new TreeMap<>();
        Map<String, List<Assignment>> assignments = new TreeMap<>();
        output.steps()
                .forEach(s -> steps.computeIfAbsent(s.getClusterId() + "|" + s.getPolicy(), k -> new ArrayList<>())
                        .add(s));
        output.assignments()
                .forEach(a -> assignments
                        .computeIfAbsent(a.getClusterId() + "|" + a.getPolicy(), k -> new ArrayList<>())
                        .add(a));
        Map<String, Output> out = new TreeMap<>();
        steps.forEach((k, l) -> {
            l.sort(Comparator.comparingLong(StepMetrics::getStep));
            out.put(k, new Output(l, assignments.getOrDefault(k, List.of()), List.of(), List.of()));
        });
        return out;
    }

    /** Per shadow, the steps and assignments of the job against the engine's; asserts every one is equal. */
    static void assertSameAsEngine(Output output, Map<String, Output> expected) {
        assertSameAsEngine(output, expected, REQUESTS);
    }

    /** As above, for a replay of {@code requests} requests per cluster. */
    static void assertSameAsEngine(Output output, Map<String, Output> expected, int requests) {
        Map<String, Output> actual = byShadow(output);
        assertThat(actual.keySet()).containsExactlyElementsOf(expected.keySet());
        for (String shadow : expected.keySet()) {
            Output e = expected.get(shadow);
            Output a = actual.get(shadow);
            assertThat(e.steps()).as(shadow).hasSizeGreaterThan(5_000);
            assertThat(a.steps()).as(shadow + " steps").hasSameSizeAs(e.steps());
            for (int k = 0; k < e.steps().size(); k++) {
                assertThat(a.steps().get(k))
                        .as(shadow + " step " + (k + 1))
                        .isEqualTo(e.steps().get(k));
            }
            // One partition per cluster and one subtask per shadow: placements come in the order they were made.
            assertThat(a.assignments()).as(shadow + " assignments").isEqualTo(e.assignments());
            assertThat(e.assignments()).hasSize(requests);
        }
        // Every window counts its steps once: the windows' steps add up to the shadow's steps.
        Map<String, Long> windowSteps = new TreeMap<>();
        output.windows()
                .forEach(w -> windowSteps.merge(w.getClusterId() + "|" + w.getPolicy(), w.getSteps(), Long::sum));
        expected.forEach((shadow, e) -> assertThat(windowSteps.get(shadow))
                .as(shadow + " window steps")
                .isEqualTo(e.steps().size()));
        output.windows()
                .forEach(w -> assertThat(w.getLateRecords()).as("late records").isZero());
    }

    @Test
    void replayFromKafkaGivesTheSimulatorsStepsAndPlacements() throws Exception {
        ShadowSettings settings = settings(Duration.ofSeconds(60));
        Output output = run(false, settings, kafka("replay.dp.requests", "shadow-replay"));
        assertThat(output.deadLetters()).isEmpty();
        assertSameAsEngine(output, engine(records(dir.resolve("replay/dp.requests.avro")), settings));
    }

    @Test
    void replayFromFilesInBatchModeGivesTheSimulatorsStepsAndPlacements() throws Exception {
        ShadowSettings settings = settings(Duration.ofSeconds(60));
        Output output = run(
                true,
                settings,
                FileConnectors.avroContainer(
                        new org.apache.flink.core.fs.Path(
                                dir.resolve("replay/dp.requests.avro").toUri()),
                        ShadowSchedulerJob.arrivalDecoder()));
        assertThat(output.deadLetters()).isEmpty();
        assertSameAsEngine(output, engine(records(dir.resolve("replay/dp.requests.avro")), settings));
    }

    /**
     * Production's log: each request arrives without its length, which comes in a completion update when production
     * finished it. With no lag, every shadow holds for each completion; the answer does not change.
     */
    @Test
    void completionsAfterTheLagHoldTheShadowAndChangeNothing() throws Exception {
        ShadowSettings settings = settings(Duration.ZERO);
        List<RequestArrival> log = records(dir.resolve("log/dp.requests.avro"));
        assertThat(log).filteredOn(r -> r.getOutputTokens() == null).hasSize(REQUESTS * CLUSTERS.size());
        Output output = run(false, settings, kafka("log.dp.requests", "shadow-log"));
        assertThat(output.deadLetters()).isEmpty();
        assertSameAsEngine(output, engine(log, settings));
    }

    /**
     * The replay out of order (each record up to 1.5 s late, inside the 2 s bound), with undecodable bytes and invalid
     * requests mixed in: the same answer, and every bad record a dead letter with its reason. Among them (issue 10) a
     * request stamped in year 2100, which dragged the watermark ahead so that real requests were dropped as late, and
     * one with an empty cluster_id, which made a phantom cluster.
     */
    @Test
    void outOfOrderWithinTheBoundAndBadRecordsChangeNothing() throws Exception {
        String topic = "shuffled.dp.requests";
        KAFKA.createTopics(2, topic);
        List<RequestArrival> replay = records(dir.resolve("replay/dp.requests.avro"));
        SplittableRandom random = new SplittableRandom(3);
        List<long[]> order = new ArrayList<>();
        for (int i = 0; i < replay.size(); i++) {
            order.add(new long[] {replay.get(i).getArrivalTime().toEpochMilli() + random.nextLong(1_500), i});
        }
        order.sort(Comparator.comparingLong((long[] o) -> o[0]).thenComparingLong(o -> o[1]));
        var codec = Codecs.codec(RequestArrival.class);
        try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer()) {
            int sent = 0;
            for (long[] o : order) {
                RequestArrival r = replay.get((int) o[1]);
                byte[] key = r.getClusterId().getBytes(StandardCharsets.UTF_8);
                producer.send(new ProducerRecord<>(topic, key, codec.encode(r)));
                if (++sent % 500 == 0) {
                    producer.send(new ProducerRecord<>(topic, key, "not avro".getBytes(StandardCharsets.UTF_8)));
                    RequestArrival bad = RequestArrival.newBuilder(r)
                            .setRequestId("bad-" + sent)
                            .setPromptTokens(-5)
                            .build();
                    producer.send(new ProducerRecord<>(topic, key, codec.encode(bad)));
                }
                if (sent == order.size() / 3) {
                    RequestArrival future = RequestArrival.newBuilder(r)
                            .setRequestId("from-2100")
                            .setArrivalTime(java.time.Instant.parse("2100-01-01T00:00:00Z"))
                            .build();
                    producer.send(new ProducerRecord<>(topic, key, codec.encode(future)));
                    RequestArrival phantom = RequestArrival.newBuilder(r)
                            .setClusterId("")
                            .setRequestId("phantom")
                            .build();
                    producer.send(new ProducerRecord<>(topic, key, codec.encode(phantom)));
                }
            }
        }
        ShadowSettings settings = settings(Duration.ofSeconds(60));
        Output output = run(false, settings, kafka(topic, "shadow-shuffled"));
        int bad = replay.size() / 500;
        assertThat(output.deadLetters()).hasSize(2 * bad + 2);
        assertThat(output.deadLetters())
                .extracting(d -> d.getReason().split(":")[0])
                .containsOnly("NEGATIVE_COUNT", "TOO_SHORT", "EVENT_TIME_IN_FUTURE", "EMPTY_CLUSTER_ID");
        assertSameAsEngine(output, engine(replay, settings));
    }
}
