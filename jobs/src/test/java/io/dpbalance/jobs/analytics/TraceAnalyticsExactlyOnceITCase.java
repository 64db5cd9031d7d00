package io.dpbalance.jobs.analytics;

import static io.dpbalance.jobs.testing.DatagenRun.datagen;
import static org.assertj.core.api.Assertions.assertThat;

import io.dpbalance.jobs.common.SinkApplier;
import io.dpbalance.jobs.io.InputRecord;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.executiongraph.ArchivedExecutionGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Exactly-once (issue 4): with checkpointing and a failure injected mid-stream, the committed output (read with
 * {@code read_committed}) equals the failure-free output: nothing lost, nothing duplicated.
 *
 * <p>A decode log made by {@code datagen decode-log} (token events of two clusters, rank-steps of two others, and a few
 * corrupt records at both ends of every input partition) is analysed twice on a MiniCluster of parallelism 2, with
 * exactly-once Kafka sinks, into fresh output topics: once without failure, once with a token-events reader that
 * throws mid-stream after a completed checkpoint ({@link FailOnceSource}); the job restarts from the checkpoint. The
 * test checks that the failure happened once, that the job restored a checkpoint at least as recent, that input was
 * read again, that both runs committed the same records, each as often, and that the failure did throw output away
 * (records of aborted transactions), so that at-least-once sinks would not have passed.
 */
class TraceAnalyticsExactlyOnceITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final String INPUT = "eo.";
    private static final int PARTITIONS = 2;
    /** About 1,600 steps of 5 s per cluster on 4 ranks x 16: some 28,000 token events and 13,000 rank-steps. */
    private static final String WORKLOAD =
            "n=150;arrival=poisson:rate=40;prompt=lognormal:mean=400,sigma=1,max=4000;output=geometric:mean=100;seed=7";
    /**
     * Watermarks 200 ms behind the input (the log is in order), steps closed 100 ms after they start, one-second windows:
     * output flows all along the log's few seconds of event time, not at its end, and some twenty window metrics.
     */
    private static final AnalyticsSettings SETTINGS = AnalyticsSettings.defaults()
            .withWatermarks(Duration.ofMillis(200), Duration.ofMillis(100))
            .withWindow(Duration.ofSeconds(1));

    private static final Duration CHECKPOINT_INTERVAL = Duration.ofMillis(500);
    private static final List<byte[]> CORRUPT =
            List.of(new byte[0], new byte[] {(byte) 0xC3, 0x01, 7}, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});

    @BeforeAll
    static void produceDecodeLog() throws Exception {
        KAFKA.createTopics(PARTITIONS, INPUT + "dp.requests", INPUT + "dp.token-events", INPUT + "dp.rank-steps");
        produceCorrupt();
        decodeLog("token", "tok-");
        decodeLog("rank", "rank-");
        produceCorrupt();
    }

    private static void decodeLog(String granularity, String clusterPrefix) {
        datagen(
                "datagen",
                "decode-log",
                "--synthetic",
                WORKLOAD,
                "--ranks",
                "4",
                "--batch",
                "16",
                "--jitter",
                "0.1",
                "--granularity",
                granularity,
                "--clusters",
                "2",
                "--cluster-prefix",
                clusterPrefix,
                "--topic-prefix",
                INPUT,
                "--as-fast-as-possible",
                "--bootstrap",
                KAFKA.bootstrapServers());
    }

    /** Undecodable records, keyed as a rank's records are, into every partition of both inputs. */
    private static void produceCorrupt() throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer()) {
            for (String topic : List.of("dp.token-events", "dp.rank-steps")) {
                for (int partition = 0; partition < PARTITIONS; partition++) {
                    for (byte[] payload : CORRUPT) {
                        byte[] key = ("bad-" + partition + "/0").getBytes(StandardCharsets.UTF_8);
                        producer.send(new ProducerRecord<>(INPUT + topic, partition, key, payload))
                                .get();
                    }
                }
            }
        }
    }

    @Test
    void committedOutputAfterAFailureAndARestoreIsTheFailureFreeOutput(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        long started = System.nanoTime();
        run("free", tokenEvents("free"));
        Output expected = committedOutput("free");
        long failureFree = System.nanoTime();

        assertThat(expected.steps()).as("step metrics").hasSizeGreaterThan(5_000);
        assertThat(expected.windows()).as("window metrics").hasSizeGreaterThan(15);
        assertThat(expected.deadLetters()).as("dead letters").hasSize(2 * 2 * PARTITIONS * CORRUPT.size());
        assertThat(expected.steps())
                .extracting(s -> s.getClusterId() + "@" + s.getStep())
                .doesNotHaveDuplicates();
        assertThat(expected.windows())
                .extracting(w -> w.getClusterId() + "@" + w.getWindowStart())
                .doesNotHaveDuplicates();
        assertThat(expected.windows())
                .allSatisfy(w -> assertThat(w.getLateRecords()).isZero());

        // The failing reader waits for a checkpoint a quarter into its partition and fails at most three quarters in.
        long smallestPartition = KAFKA.endOffsets(INPUT + "dp.token-events").stream()
                .min(Long::compare)
                .orElseThrow();
        // It fails only once output sits in open transactions that no completed checkpoint commits, so that the failure
        // provably throws output away (under load the output may lag the input by more than a checkpoint interval).
        FailOnceSource<InputRecord<TokenEvent>, ?, ?> failing = new FailOnceSource<>(
                tokenEvents("fail"), smallestPartition / 4, TraceAnalyticsExactlyOnceITCase::outputPending);
        JobExecutionResult result = run("fail", failing);
        Output actual = committedOutput("fail");
        long end = System.nanoTime();

        assertThat(failing.failures()).as("injected failures").isEqualTo(1);
        assertThat(failing.checkpointBeforeFailure())
                .as("checkpoint completed before the failure")
                .isPositive();
        long tokenEvents = KAFKA.endOffsets(INPUT + "dp.token-events").stream()
                .mapToLong(Long::longValue)
                .sum();
        assertThat(failing.recordsEmitted())
                .as("token events read, those read again after the restore included")
                .isGreaterThan(tokenEvents);
        ArchivedExecutionGraph graph =
                cluster.getArchivedExecutionGraph(result.getJobID()).get();
        CheckpointStatsSnapshot checkpoints = graph.getCheckpointStatsSnapshot();
        assertThat(checkpoints.getCounts().getNumberOfRestoredCheckpoints())
                .as("restores")
                .isEqualTo(1);
        assertThat(checkpoints.getLatestRestoredCheckpoint().getCheckpointId())
                .as("restored checkpoint")
                .isGreaterThanOrEqualTo(failing.checkpointBeforeFailure());
        List<Integer> attempts = new ArrayList<>();
        for (AccessExecutionVertex vertex : graph.getAllExecutionVertices()) {
            attempts.add(vertex.getCurrentExecutionAttempt().getAttemptNumber());
        }
        assertThat(attempts)
                .as("every task's attempt")
                .allSatisfy(attempt -> assertThat(attempt).isEqualTo(1));

        assertSameMultiset("step metrics", actual.steps(), expected.steps());
        assertSameMultiset("window metrics", actual.windows(), expected.windows());
        assertSameMultiset("dead letters", actual.deadLetters(), expected.deadLetters());

        // Output the failure threw away: written after the restored checkpoint, in transactions that were aborted (the
        // failure waited until there was some). Without any, at-least-once sinks would have passed the comparison too.
        long aborted = KAFKA.readUncommitted(output("fail", "dp.step-metrics")).size()
                + KAFKA.readUncommitted(output("fail", "dp.window-metrics")).size()
                + KAFKA.readUncommitted(output("fail", "dp.dead-letter")).size()
                - actual.steps().size()
                - actual.windows().size()
                - actual.deadLetters().size();
        assertThat(aborted).as("records of aborted transactions").isPositive();
        System.out.printf(
                "exactly-once: %d step metrics, %d window metrics, %d dead letters; failure after checkpoint %d,"
                        + " restored checkpoint %d, %d token events read again, %d records of aborted transactions; failure-free"
                        + " run %.1f s, run with failure %.1f s%n",
                actual.steps().size(),
                actual.windows().size(),
                actual.deadLetters().size(),
                failing.checkpointBeforeFailure(),
                checkpoints.getLatestRestoredCheckpoint().getCheckpointId(),
                failing.recordsEmitted() - tokenEvents,
                aborted,
                (failureFree - started) / 1e9,
                (end - failureFree) / 1e9);
    }

    /**
     * Whether the "fail" run's sinks have records in the log in transactions of checkpoints after {@code lastCompleted}
     * (the connector names a sink's transactions prefix-subtask-checkpoint): records that the failure will abort. False
     * while a transaction of a completed checkpoint is still open (its commit pending), which could explain the same
     * records.
     */
    private static boolean outputPending(long lastCompleted) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()))) {
            List<String> ids = admin
                    .listTransactions(new ListTransactionsOptions().filterStates(List.of(TransactionState.ONGOING)))
                    .all()
                    .get()
                    .stream()
                    .map(TransactionListing::transactionalId)
                    .filter(id -> id.startsWith("eo-fail-"))
                    .toList();
            if (ids.isEmpty()) {
                return false;
            }
            Set<TopicPartition> written = new HashSet<>();
            for (Map.Entry<String, TransactionDescription> tx :
                    admin.describeTransactions(ids).all().get().entrySet()) {
                if (tx.getValue().state() != TransactionState.ONGOING) {
                    continue;
                }
                long checkpoint =
                        Long.parseLong(tx.getKey().substring(tx.getKey().lastIndexOf('-') + 1));
                if (checkpoint <= lastCompleted) {
                    return false;
                }
                written.addAll(tx.getValue().topicPartitions());
            }
            if (written.isEmpty()) {
                return false;
            }
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            written.forEach(p -> latest.put(p, OffsetSpec.latest()));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> highWatermarks = admin.listOffsets(
                            latest, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED))
                    .all()
                    .get();
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> stable = admin.listOffsets(
                            latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                    .all()
                    .get();
            return written.stream()
                    .anyMatch(
                            p -> highWatermarks.get(p).offset() > stable.get(p).offset());
        } catch (Exception e) {
            return false; // ask again at the next checkpoint
        }
    }

    private static KafkaSource<InputRecord<TokenEvent>> tokenEvents(String run) {
        return KafkaConnectors.source(
                KAFKA.bootstrapServers(),
                INPUT + "dp.token-events",
                "eo-" + run + "-tokens",
                OffsetsInitializer.earliest(),
                true,
                new Properties(),
                TraceAnalyticsJob.tokenEventDecoder(SETTINGS));
    }

    private static KafkaSource<InputRecord<RankStep>> rankSteps(String run) {
        return KafkaConnectors.source(
                KAFKA.bootstrapServers(),
                INPUT + "dp.rank-steps",
                "eo-" + run + "-rank-steps",
                OffsetsInitializer.earliest(),
                true,
                new Properties(),
                TraceAnalyticsJob.rankStepDecoder(SETTINGS));
    }

    private static String output(String run, String topic) {
        return INPUT + run + "." + topic;
    }

    /** The job with exactly-once sinks into fresh topics of its own, a transactional-id prefix of its own. */
    private static JobExecutionResult run(String run, Source<InputRecord<TokenEvent>, ?, ?> tokenEvents)
            throws Exception {
        KAFKA.createTopics(
                PARTITIONS,
                output(run, "dp.step-metrics"),
                output(run, "dp.window-metrics"),
                output(run, "dp.dead-letter"));
        Configuration config = new Configuration();
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(100));
        // Frequent watermarks, records handed on without waiting to fill a buffer: step windows close, and output is
        // written, soon after the input that closes them, not a checkpoint interval later.
        config.set(PipelineOptions.AUTO_WATERMARK_INTERVAL, Duration.ofMillis(50));
        config.set(ExecutionOptions.BUFFER_TIMEOUT, Duration.ofMillis(5));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(2);
        env.enableCheckpointing(CHECKPOINT_INTERVAL.toMillis(), CheckpointingMode.EXACTLY_ONCE);
        TraceAnalyticsJob.defineWorkflow(
                env,
                SETTINGS,
                tokenEvents,
                rankSteps(run),
                sink(run, "dp.step-metrics", StepMetrics.class),
                sink(run, "dp.window-metrics", WindowMetrics.class),
                sink(run, "dp.dead-letter", DeadLetter.class));
        return env.execute("exactly-once " + run);
    }

    private static <T extends SpecificRecord> SinkApplier<T> sink(String run, String topic, Class<T> type) {
        return SinkApplier.of(KafkaConnectors.sink(
                KAFKA.bootstrapServers(),
                output(run, topic),
                type,
                DeliveryGuarantee.EXACTLY_ONCE,
                "eo-" + run + "-" + topic,
                Duration.ofMinutes(1).toMillis(),
                new Properties()));
    }

    /** What one run committed. */
    private record Output(List<StepMetrics> steps, List<WindowMetrics> windows, List<DeadLetter> deadLetters) {}

    private static Output committedOutput(String run) throws Exception {
        List<DeadLetter> deadLetters = committed(output(run, "dp.dead-letter"), Codecs.DEAD_LETTER);
        // seen_at is when the job rejected the record: processing time, which no two runs share.
        deadLetters.forEach(letter -> letter.setSeenAt(Instant.EPOCH));
        return new Output(
                committed(output(run, "dp.step-metrics"), Codecs.STEP_METRICS),
                committed(output(run, "dp.window-metrics"), Codecs.WINDOW_METRICS),
                deadLetters);
    }

    private static <T extends SpecificRecord> List<T> committed(String topic, AvroCodec<T> codec) throws Exception {
        List<T> values = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : KAFKA.readCommitted(topic)) {
            DecodeResult<T> result = codec.decode(record.value());
            assertThat(result.isDecoded())
                    .as("%s offset %d: %s", topic, record.offset(), result)
                    .isTrue();
            values.add(((DecodeResult.Decoded<T>) result).value());
        }
        return values;
    }

    /** Equal as multisets; else names what was lost and what came more often than without failure. */
    private static <T> void assertSameMultiset(String what, List<T> actual, List<T> expected) {
        Map<T, Long> actualCounts = counts(actual);
        Map<T, Long> expectedCounts = counts(expected);
        Set<T> all = new HashSet<>(expectedCounts.keySet());
        all.addAll(actualCounts.keySet());
        List<String> lost = new ArrayList<>();
        List<String> extra = new ArrayList<>();
        for (T value : all) {
            long difference = actualCounts.getOrDefault(value, 0L) - expectedCounts.getOrDefault(value, 0L);
            if (difference < 0) {
                lost.add(-difference + " x " + value);
            } else if (difference > 0) {
                extra.add(difference + " x " + value);
            }
        }
        assertThat(lost)
                .as("%s lost (%d of them), first: %s", what, lost.size(), first(lost))
                .isEmpty();
        assertThat(extra)
                .as("%s duplicated or changed (%d of them), first: %s", what, extra.size(), first(extra))
                .isEmpty();
    }

    private static <T> Map<T, Long> counts(List<T> values) {
        Map<T, Long> counts = new HashMap<>();
        values.forEach(value -> counts.merge(value, 1L, Long::sum));
        return counts;
    }

    private static List<String> first(List<String> values) {
        return values.subList(0, Math.min(5, values.size()));
    }
}
