package io.dpbalance.jobs.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpbalance.jobs.common.JobOptions;
import io.dpbalance.jobs.common.SinkApplier;
import io.dpbalance.jobs.io.KafkaConnectors;
import io.dpbalance.jobs.testing.KafkaBrokerExtension;
import io.dpbalance.schemas.AvroCodec;
import io.dpbalance.schemas.Codecs;
import io.dpbalance.schemas.DeadLetter;
import io.dpbalance.schemas.DecodeResult;
import io.dpbalance.schemas.RankStep;
import io.dpbalance.schemas.StepMetrics;
import io.dpbalance.schemas.TokenEvent;
import io.dpbalance.schemas.WindowMetrics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import picocli.CommandLine;

/**
 * State from the previous layout, analytics: a savepoint that the analytics job wrote (committed under
 * src/test/resources/savepoints/analytics-layout-1/, with the output the job had committed up to it) is restored by
 * today's job graph, which reads the rest of the stream; what the old run committed plus what the restored job commits
 * equals what an unbroken run commits. The log has token events (one cluster) and rank-steps (another), so the
 * savepoint holds every keyed state of the job: requests' progress and waiting tokens, the token fold, open step
 * windows, closed steps and learned rosters, open metric windows. A state-layout change (a changed uid, serializer
 * or state descriptor) that cannot be migrated breaks it (see docs/reliability.md).
 *
 * <p>Written with {@code -Ddpbalance.layout.write=<jobs/src/test/resources/savepoints>}: runs the job over the first
 * half of the log, stops it with a savepoint and writes the resource, instead of restoring it.
 */
class TraceAnalyticsPreviousLayoutITCase {

    /**
     * The committed layouts, oldest first: layout 1 rolled the windows up in a separate operator (uid window-metrics),
     * layout 2 in the step-metrics operator. The newest is today's; a deliberate layout change adds one.
     */
    private static final List<String> LAYOUTS = List.of("analytics-layout-1", "analytics-layout-2");

    /** The topics' prefix a layout's savepoint was written with: its Kafka source state names them. */
    private static String prefix(String layout) {
        return layout.equals("analytics-layout-1") ? "layout." : layout + ".";
    }

    /** The unbroken run's output, the same for every layout: run once. */
    private static List<String> unbroken;

    private static final int PARTITIONS = 2;
    private static final AnalyticsSettings SETTINGS = AnalyticsSettings.defaults()
            .withWatermarks(Duration.ofMillis(200), Duration.ofMillis(100))
            .withWindow(Duration.ofSeconds(1));

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    /** The log, as (partition, key, value) per topic, in the order produced: fixed, so that it never changes. */
    private record Input(int partition, byte[] key, byte[] value) {}

    private static final List<Input> TOKENS = new ArrayList<>();
    private static final List<Input> RANK_STEPS = new ArrayList<>();

    static {
        // 160 steps 50 ms apart on 4 ranks. Token events of cluster "tok": on every rank one request after another,
        // each
        // 3 to 11 steps long, 1 to 3 running at a time. Rank-steps of cluster "rs": the same ranks' loads.
        long t0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
        int[][] left = new int[4][3];
        long[][] context = new long[4][3];
        int[] next = new int[4];
        for (int step = 1; step <= 160; step++) {
            long time = t0 + 50L * step;
            for (int rank = 0; rank < 4; rank++) {
                int running = 0;
                long kv = 0;
                for (int slot = 0; slot < 1 + (rank + step / 40) % 3; slot++) {
                    if (left[rank][slot] == 0) {
                        left[rank][slot] = 3 + (next[rank] * 7 + rank) % 9;
                        context[rank][slot] = 50 + (next[rank] * 31 + rank * 17) % 400;
                        next[rank]++;
                    }
                    context[rank][slot]++;
                    left[rank][slot]--;
                    running++;
                    kv += context[rank][slot];
                    String request = "r" + rank + "-" + (next[rank] - 1) + "-" + slot;
                    TokenEvent token = LogFixtures.token(
                            "tok", rank, step, request, time + rank, context[rank][slot], left[rank][slot] == 0);
                    TOKENS.add(new Input(
                            rank % PARTITIONS,
                            ("tok/" + rank).getBytes(StandardCharsets.UTF_8),
                            Codecs.TOKEN_EVENT.encode(token)));
                }
                RankStep rankStep = LogFixtures.rankStep("rs", rank, step, time + rank, running, kv, null, null);
                RANK_STEPS.add(new Input(
                        rank % PARTITIONS,
                        ("rs/" + rank).getBytes(StandardCharsets.UTF_8),
                        Codecs.RANK_STEP.encode(rankStep)));
            }
        }
        // A request that stops in the middle and one corrupt record: a dead letter in each half.
        TOKENS.add(50, new Input(0, "tok/0".getBytes(StandardCharsets.UTF_8), new byte[] {1, 2, 3}));
        RANK_STEPS.add(RANK_STEPS.size() - 10, new Input(1, "rs/1".getBytes(StandardCharsets.UTF_8), new byte[0]));
    }

    private static Map<TopicPartition, Long> ends(String topic, List<Input> inputs) {
        Map<TopicPartition, Long> end = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            end.put(new TopicPartition(topic, p), 0L);
        }
        inputs.forEach(in -> end.merge(new TopicPartition(topic, in.partition), 1L, Long::sum));
        return end;
    }

    /** The job (at-least-once sinks keep no transaction state), stopping at the end of the whole log. */
    private static JobGraph job(String prefix, String... flags) {
        JobOptions options = new JobOptions();
        new CommandLine(options).parseArgs(flags);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.configure(options.recoveryConfiguration());
        env.setParallelism(1);
        env.enableCheckpointing(300);
        String bootstrap = KAFKA.bootstrapServers();
        Properties none = new Properties();
        DeliveryGuarantee guarantee = DeliveryGuarantee.AT_LEAST_ONCE;
        TraceAnalyticsJob.defineWorkflow(
                env,
                SETTINGS,
                KafkaConnectors.source(
                        bootstrap,
                        prefix + "dp.token-events",
                        prefix + "group",
                        OffsetsInitializer.earliest(),
                        OffsetsInitializer.offsets(ends(prefix + "dp.token-events", TOKENS)),
                        none,
                        TraceAnalyticsJob.tokenEventDecoder(SETTINGS)),
                KafkaConnectors.source(
                        bootstrap,
                        prefix + "dp.rank-steps",
                        prefix + "group",
                        OffsetsInitializer.earliest(),
                        OffsetsInitializer.offsets(ends(prefix + "dp.rank-steps", RANK_STEPS)),
                        none,
                        TraceAnalyticsJob.rankStepDecoder(SETTINGS)),
                SinkApplier.of(KafkaConnectors.sink(
                        bootstrap,
                        prefix + "dp.step-metrics",
                        StepMetrics.class,
                        guarantee,
                        prefix + "steps",
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

    private static MiniCluster miniCluster() throws Exception {
        // Any free port for the REST endpoint: 8081 may be taken by a cluster running on the machine.
        Configuration config = new Configuration();
        config.set(org.apache.flink.configuration.RestOptions.BIND_PORT, "0");
        MiniCluster mini = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(config)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(1)
                .build());
        mini.start();
        return mini;
    }

    private static void createTopics(String prefix) throws Exception {
        List<String> topics = new ArrayList<>();
        for (String t :
                List.of("dp.token-events", "dp.rank-steps", "dp.step-metrics", "dp.window-metrics", "dp.dead-letter")) {
            topics.add(prefix + t);
        }
        KAFKA.createTopics(PARTITIONS, topics.toArray(new String[0]));
    }

    /** Produces the first {@code fraction} of each partition's records of both topics (1: all). */
    private static void produce(String prefix, double fraction) throws Exception {
        produce(prefix + "dp.token-events", TOKENS, fraction);
        produce(prefix + "dp.rank-steps", RANK_STEPS, fraction);
    }

    private static void produce(String topic, List<Input> inputs, double fraction) throws Exception {
        Map<TopicPartition, Long> end = ends(topic, inputs);
        Map<Integer, Long> written = new HashMap<>();
        List<Future<?>> sent = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer()) {
            for (Input in : inputs) {
                long limit = (long) Math.floor(end.get(new TopicPartition(topic, in.partition)) * fraction);
                if (written.merge(in.partition, 1L, Long::sum) <= limit) {
                    sent.add(producer.send(new ProducerRecord<>(topic, in.partition, in.key, in.value)));
                }
            }
            producer.flush();
        }
        for (Future<?> f : sent) {
            f.get(30, TimeUnit.SECONDS);
        }
    }

    private static long inputRecords(double fraction) {
        long sum = 0;
        for (var end : List.of(ends("t", TOKENS), ends("r", RANK_STEPS))) {
            for (long n : end.values()) {
                sum += (long) Math.floor(n * fraction);
            }
        }
        return sum;
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> void committed(
            String prefix, String topic, Class<T> type, List<String> out) throws Exception {
        AvroCodec<T> codec = Codecs.codec(type);
        for (ConsumerRecord<byte[], byte[]> record : KAFKA.readCommitted(prefix + topic)) {
            DecodeResult<T> result = codec.decode(record.value());
            assertThat(result).isInstanceOf(DecodeResult.Decoded.class);
            T value = ((DecodeResult.Decoded<T>) result).value();
            if (value instanceof DeadLetter letter) {
                // seen_at is when the job rejected the record: processing time, which no two runs share.
                letter.setSeenAt(java.time.Instant.EPOCH);
                // The runs read topics of their own prefix.
                letter.setSourceTopic(letter.getSourceTopic().substring(prefix.length()));
            }
            out.add(topic + " " + value);
        }
    }

    /** Every output record, as "topic record", sorted. */
    private static List<String> committedOutput(String prefix) throws Exception {
        List<String> out = new ArrayList<>();
        committed(prefix, "dp.step-metrics", StepMetrics.class, out);
        committed(prefix, "dp.window-metrics", WindowMetrics.class, out);
        committed(prefix, "dp.dead-letter", DeadLetter.class, out);
        out.sort(Comparator.naturalOrder());
        return out;
    }

    private static long readOffsets(String prefix) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", KAFKA.bootstrapServers()))) {
            long sum = 0;
            for (var offset : admin.listConsumerGroupOffsets(prefix + "group")
                    .partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS)
                    .values()) {
                sum += offset == null ? 0 : offset.offset();
            }
            return sum;
        }
    }

    /** Waits until the job's consumer group has committed {@code offsets} records in all. */
    private static void awaitRead(MiniCluster mini, JobID id, String prefix, long offsets) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (readOffsets(prefix) < offsets) {
            org.apache.flink.api.common.JobStatus status = mini.getJobStatus(id).get();
            if (status.isGloballyTerminalState()) {
                var failure = mini.requestJobResult(id).get().getSerializedThrowable();
                throw new AssertionError("the job ended " + status
                        + failure.map(t -> ": "
                                        + t.getFullStringifiedStackTrace()
                                                .lines()
                                                .filter(l -> l.startsWith("Caused by"))
                                                .reduce((a, b) -> b)
                                                .orElse(t.getMessage()))
                                .orElse(""));
            }
            assertThat(System.nanoTime())
                    .as("the job reads its input within 2 minutes")
                    .isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    @ParameterizedTest
    @FieldSource("LAYOUTS")
    void aSavepointOfThePreviousLayoutRestoresAndCarriesOn(String layout, @TempDir Path dir) throws Exception {
        String prefix = prefix(layout);
        String write = System.getProperty("dpbalance.layout.write");
        createTopics(prefix);
        if (write != null) {
            // Only today's layout can be written.
            if (layout.equals(LAYOUTS.get(LAYOUTS.size() - 1))) {
                writeResource(Path.of(write).resolve(layout), prefix, dir);
            }
            return;
        }
        Path resource = Path.of(getClass()
                        .getResource("/savepoints/" + layout + "/_metadata")
                        .toURI())
                .getParent();
        List<String> before = Files.readAllLines(resource.resolve("committed-before.txt"));
        assertThat(before)
                .as("output the old run committed before its savepoint")
                .isNotEmpty();
        // The old run wrote StepMetrics v1 and WindowMetrics v1; compare on the fields those versions have.
        before = withoutFieldsAddedSince(before);

        // Unbroken run, today's job.
        if (unbroken == null) {
            createTopics("unbroken.");
            produce("unbroken.", 1);
            try (MiniCluster mini = miniCluster()) {
                JobID id = mini.submitJob(job("unbroken.")).get().getJobID();
                assertThat(mini.requestJobResult(id).get(5, TimeUnit.MINUTES).isSuccess())
                        .isTrue();
            }
            unbroken = withoutFieldsAddedSince(committedOutput("unbroken."));
        }
        List<String> expected = unbroken;

        // The old run's savepoint was taken after it had read the first half; the broker now holds the whole log.
        produce(prefix, 1);
        try (MiniCluster mini = miniCluster()) {
            JobID id = mini.submitJob(job(prefix, "--from-savepoint", resource.toString()))
                    .get()
                    .getJobID();
            awaitRead(mini, id, prefix, inputRecords(1));
            mini.stopWithSavepoint(id, dir.resolve("final").toUri().toString(), true, SavepointFormatType.DEFAULT)
                    .get(2, TimeUnit.MINUTES);
            assertThat(mini.requestJobResult(id).get(1, TimeUnit.MINUTES).isSuccess())
                    .isTrue();
            assertThat(mini.getArchivedExecutionGraph(id)
                            .get()
                            .getCheckpointStatsSnapshot()
                            .getLatestRestoredCheckpoint())
                    .as("the job restored the committed savepoint")
                    .isNotNull();
        }
        List<String> after = withoutFieldsAddedSince(committedOutput(prefix));
        List<String> all = new ArrayList<>(before);
        all.addAll(after);
        all.sort(Comparator.naturalOrder());
        System.out.println(layout + ": " + before.size() + " records committed before the savepoint, " + after.size()
                + " after the restore, " + expected.size() + " in the unbroken run");
        List<String> missing = new ArrayList<>(expected);
        all.forEach(missing::remove);
        List<String> extra = new ArrayList<>(all);
        expected.forEach(extra::remove);
        assertThat(missing)
                .as("records of the unbroken run missing after the restore")
                .isEmpty();
        assertThat(extra)
                .as("records the runs around the savepoint committed that the unbroken run did not")
                .isEmpty();
        assertThat(all).isEqualTo(expected);
    }

    /**
     * The records without the fields added after the savepoint's layout was recorded (StepMetrics v2
     * {@code sampled_steps}, WindowMetrics v2 {@code samples}): the old run's committed output has no such fields.
     */
    private static List<String> withoutFieldsAddedSince(List<String> records) {
        return records.stream()
                .map(line -> line.replaceAll(", \"(sampled_steps|samples)\": (null|-?\\d+)", ""))
                .collect(java.util.stream.Collectors.toList());
    }

    /** Runs the job over the first half, stops it with a savepoint and writes it with the output committed so far. */
    private void writeResource(Path target, String prefix, Path dir) throws Exception {
        produce(prefix, 0.5);
        String savepoint;
        try (MiniCluster mini = miniCluster()) {
            JobID id = mini.submitJob(job(prefix)).get().getJobID();
            awaitRead(mini, id, prefix, inputRecords(0.5));
            savepoint = mini.stopWithSavepoint(id, dir.toUri().toString(), false, SavepointFormatType.CANONICAL)
                    .get(2, TimeUnit.MINUTES);
            assertThat(mini.requestJobResult(id).get(1, TimeUnit.MINUTES).isSuccess())
                    .isTrue();
        }
        Path source = Path.of(java.net.URI.create(savepoint));
        Files.createDirectories(target);
        try (var files = Files.list(source)) {
            for (Path f : files.toList()) {
                Files.copy(f, target.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.write(target.resolve("committed-before.txt"), committedOutput(prefix));
        System.out.println("wrote " + target);
    }
}
