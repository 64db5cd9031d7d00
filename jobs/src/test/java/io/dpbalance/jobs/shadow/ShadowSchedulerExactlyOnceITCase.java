package io.dpbalance.jobs.shadow;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpbalance.jobs.testing.KafkaBrokerExtension;
import io.dpbalance.schemas.Assignment;
import io.dpbalance.schemas.AvroCodec;
import io.dpbalance.schemas.Codecs;
import io.dpbalance.schemas.DeadLetter;
import io.dpbalance.schemas.DecodeResult;
import io.dpbalance.schemas.RequestArrival;
import io.dpbalance.schemas.StepMetrics;
import io.dpbalance.schemas.WindowMetrics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Exactly-once through a crash: the request stream is produced into a real broker while the shadow job runs
 * (checkpoints every 300 ms, exactly-once Kafka sinks); mid-stream the job's only TaskManager is terminated and a new
 * one started, so the job restarts from its last checkpoint. What it committed (read with read_committed) equals, record
 * for record, what a failure-free run committed, and equals the engine's answer.
 */
class ShadowSchedulerExactlyOnceITCase {

    private static final List<String> CLUSTERS = List.of("cluster-0", "cluster-1");
    private static final List<String> POLICIES = List.of("vllm", "bfio:h=20,lookahead=hazard");

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    /** The replay's records per partition (partition i holds cluster i), in arrival order. */
    private static final List<List<RequestArrival>> RECORDS = ShadowReplay.perCluster(CLUSTERS, 1200);

    private static void createTopics(String prefix) throws Exception {
        List<String> topics = new ArrayList<>();
        for (String t :
                List.of("dp.requests", "dp.step-metrics", "dp.assignments", "dp.window-metrics", "dp.dead-letter")) {
            topics.add(prefix + t);
        }
        KAFKA.createTopics(CLUSTERS.size(), topics.toArray(new String[0]));
    }

    private static ShadowSettings settings() {
        return ShadowReplay.settings(POLICIES);
    }

    /** The job over {@code prefix}dp.requests, stopping once it read every record, into exactly-once sinks. */
    private static JobGraph job(String prefix) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(300);
        return ShadowReplay.job(
                env, KAFKA.bootstrapServers(), prefix, settings(), RECORDS, DeliveryGuarantee.EXACTLY_ONCE, true);
    }

    private static MiniCluster miniCluster() throws Exception {
        Configuration conf = new Configuration();
        conf.set(org.apache.flink.configuration.RestOptions.BIND_PORT, "0");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 5);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(500));
        MiniCluster mini = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(2)
                .build());
        mini.start();
        return mini;
    }

    /** Produces the replay in {@code chunks} pieces, {@code pause} apart, calling {@code afterChunk} after each. */
    private static void produce(String topic, int chunks, Duration pause, ChunkHook afterChunk) throws Exception {
        AvroCodec<RequestArrival> codec = Codecs.REQUEST_ARRIVAL;
        try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer()) {
            int n = RECORDS.get(0).size();
            for (int c = 0; c < chunks; c++) {
                for (int i = c * n / chunks; i < (c + 1) * n / chunks; i++) {
                    for (int p = 0; p < CLUSTERS.size(); p++) {
                        RequestArrival r = RECORDS.get(p).get(i);
                        producer.send(new ProducerRecord<>(
                                topic, p, r.getClusterId().getBytes(StandardCharsets.UTF_8), codec.encode(r)));
                    }
                }
                producer.flush();
                afterChunk.after(c);
                Thread.sleep(pause.toMillis());
            }
        }
    }

    @FunctionalInterface
    private interface ChunkHook {
        void after(int chunk) throws Exception;
    }

    /** Everything committed on a topic, read with read_committed once its transactions have settled. */
    private static <T extends org.apache.avro.specific.SpecificRecord> List<T> committed(String topic, Class<T> type)
            throws Exception {
        AvroCodec<T> codec = Codecs.codec(type);
        List<T> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : KAFKA.readCommitted(topic)) {
            DecodeResult<T> result = codec.decode(record.value());
            assertThat(result).isInstanceOf(DecodeResult.Decoded.class);
            out.add(((DecodeResult.Decoded<T>) result).value());
        }
        return out;
    }

    private record Committed(
            List<StepMetrics> steps,
            List<Assignment> assignments,
            List<WindowMetrics> windows,
            List<DeadLetter> deadLetters) {

        static Committed of(String prefix) throws Exception {
            return new Committed(
                    committed(prefix + "dp.step-metrics", StepMetrics.class),
                    committed(prefix + "dp.assignments", Assignment.class),
                    committed(prefix + "dp.window-metrics", WindowMetrics.class),
                    committed(prefix + "dp.dead-letter", DeadLetter.class));
        }

        /** One list per kind, each ordered canonically, so two runs compare as multisets. */
        List<List<String>> sorted() {
            return List.of(sortedText(steps), sortedText(assignments), sortedText(windows), sortedText(deadLetters));
        }

        private static List<String> sortedText(List<?> records) {
            List<String> text = new ArrayList<>();
            records.forEach(r -> text.add(r.toString()));
            text.sort(Comparator.naturalOrder());
            return text;
        }
    }

    @Test
    void aTaskManagerCrashMidStreamCommitsExactlyWhatAFailureFreeRunCommits() throws Exception {
        // Failure-free: the whole replay is there before the job starts.
        createTopics("clean.");
        produce("clean.dp.requests", 1, Duration.ZERO, chunk -> {});
        MiniCluster mini = miniCluster();
        try {
            JobID clean = mini.submitJob(job("clean.")).get().getJobID();
            assertThat(mini.requestJobResult(clean).get(5, TimeUnit.MINUTES).isSuccess())
                    .isTrue();
        } finally {
            mini.close();
        }
        Committed expected = Committed.of("clean.");
        assertThat(expected.steps()).hasSizeGreaterThan(4 * 5_000);
        assertThat(expected.assignments())
                .hasSize(CLUSTERS.size() * POLICIES.size() * RECORDS.get(0).size());
        assertThat(expected.deadLetters()).isEmpty();
        // It is also the engine's answer.
        List<RequestArrival> all = new ArrayList<>();
        RECORDS.forEach(all::addAll);
        ShadowSchedulerKnownAnswerITCase.assertSameAsEngine(
                new ShadowSchedulerKnownAnswerITCase.Output(
                        expected.steps(), expected.assignments(), expected.windows(), expected.deadLetters()),
                ShadowSchedulerKnownAnswerITCase.engine(all, settings()),
                RECORDS.get(0).size());

        // With a crash: the stream arrives over ~6 s while the job runs; the TaskManager dies once output is committed.
        createTopics("crash.");
        mini = miniCluster();
        try {
            JobID crash = mini.submitJob(job("crash.")).get().getJobID();
            MiniCluster cluster = mini;
            int[] killedAfterChunk = {-1};
            long[] committedBeforeCrash = {0};
            produce("crash.dp.requests", 20, Duration.ofMillis(300), chunk -> {
                if (killedAfterChunk[0] < 0 && chunk >= 6) {
                    long committed = committed("crash.dp.step-metrics", StepMetrics.class)
                            .size();
                    if (committed > 0) {
                        cluster.terminateTaskManager(0).get(30, TimeUnit.SECONDS);
                        cluster.startTaskManager();
                        killedAfterChunk[0] = chunk;
                        committedBeforeCrash[0] = committed;
                    }
                }
            });
            assertThat(mini.requestJobResult(crash).get(5, TimeUnit.MINUTES).isSuccess())
                    .isTrue();
            assertThat(killedAfterChunk[0])
                    .as("the TaskManager was terminated mid-stream")
                    .isBetween(6, 18);
            assertThat(mini.getArchivedExecutionGraph(crash).get().getStatusTimestamp(JobStatus.RESTARTING))
                    .as("the job restarted")
                    .isPositive();
            System.out.println("TaskManager terminated after chunk " + killedAfterChunk[0] + " of 20, with "
                    + committedBeforeCrash[0] + " step metrics committed; the job restarted and finished");
        } finally {
            mini.close();
        }
        Committed actual = Committed.of("crash.");
        assertThat(actual.steps()).hasSameSizeAs(expected.steps());
        assertThat(actual.sorted()).isEqualTo(expected.sorted());
    }
}
