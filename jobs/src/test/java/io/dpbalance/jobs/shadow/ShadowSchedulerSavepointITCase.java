package io.dpbalance.jobs.shadow;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpbalance.jobs.common.JobOptions;
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
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * An upgrade keeps the shadow job's state: the request stream is produced while the job runs (exactly-once sinks);
 * mid-stream the job is stopped with a savepoint (what {@code bin/dpbalance flink stop-job --savepoint} asks the REST
 * API for); the rest of the stream arrives while no job runs; then a new job graph, built from the flags
 * {@code --from-savepoint PATH} on a new cluster (the stand-in for the new jar), restores it and reads on. What both
 * runs committed (read_committed) equals, record for record, what an unbroken run committed.
 */
class ShadowSchedulerSavepointITCase {

    private static final List<String> CLUSTERS = List.of("cluster-0", "cluster-1");
    private static final List<String> POLICIES = List.of("vllm", "bfio:h=20,lookahead=hazard");
    private static final int CHUNKS = 12;

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    /** The replay's records per partition (partition i holds cluster i), in arrival order. */
    private static final List<List<RequestArrival>> RECORDS = ShadowReplay.perCluster(CLUSTERS, 600);

    private static ShadowSettings settings() {
        return ShadowReplay.settings(POLICIES);
    }

    /**
     * The job over {@code prefix}dp.requests, stopping once it read every record, into exactly-once sinks; with the
     * restore settings that the job flags {@code flags} give (as {@code bin/dpbalance shadow} applies them).
     */
    private static JobGraph job(String prefix, String... flags) {
        JobOptions options = new JobOptions();
        new CommandLine(options).parseArgs(flags);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.configure(options.recoveryConfiguration());
        env.setParallelism(2);
        env.enableCheckpointing(300);
        return ShadowReplay.job(
                env, KAFKA.bootstrapServers(), prefix, settings(), RECORDS, DeliveryGuarantee.EXACTLY_ONCE, true);
    }

    private static MiniCluster miniCluster() throws Exception {
        Configuration conf = new Configuration();
        conf.set(org.apache.flink.configuration.RestOptions.BIND_PORT, "0");
        MiniCluster mini = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(2)
                .build());
        mini.start();
        return mini;
    }

    private static void createTopics(String prefix) throws Exception {
        List<String> topics = new ArrayList<>();
        for (String t :
                List.of("dp.requests", "dp.step-metrics", "dp.assignments", "dp.window-metrics", "dp.dead-letter")) {
            topics.add(prefix + t);
        }
        KAFKA.createTopics(CLUSTERS.size(), topics.toArray(new String[0]));
    }

    /** Every record was written: a lost send fails the test now, not as a job that waits for it for minutes. */
    private static void awaitSent(List<java.util.concurrent.Future<?>> sent) {
        for (var future : sent) {
            try {
                future.get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError("producing the input failed: " + e, e);
            }
        }
    }

    /** Produces chunk {@code c} of {@code chunks} of the replay. */
    private static void produce(KafkaProducer<byte[], byte[]> producer, String topic, int c, int chunks) {
        AvroCodec<RequestArrival> codec = Codecs.REQUEST_ARRIVAL;
        List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
        int n = RECORDS.get(0).size();
        for (int i = c * n / chunks; i < (c + 1) * n / chunks; i++) {
            for (int p = 0; p < CLUSTERS.size(); p++) {
                RequestArrival r = RECORDS.get(p).get(i);
                sent.add(producer.send(new ProducerRecord<>(
                        topic, p, r.getClusterId().getBytes(StandardCharsets.UTF_8), codec.encode(r))));
            }
        }
        producer.flush();
        awaitSent(sent);
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> List<String> committed(
            String topic, Class<T> type) throws Exception {
        AvroCodec<T> codec = Codecs.codec(type);
        List<String> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : KAFKA.readCommitted(topic)) {
            DecodeResult<T> result = codec.decode(record.value());
            assertThat(result).isInstanceOf(DecodeResult.Decoded.class);
            out.add(((DecodeResult.Decoded<T>) result).value().toString());
        }
        out.sort(Comparator.naturalOrder());
        return out;
    }

    /** Every output topic's committed records, each list sorted, so that two runs compare as multisets. */
    private static List<List<String>> committedOutput(String prefix) throws Exception {
        return List.of(
                committed(prefix + "dp.step-metrics", StepMetrics.class),
                committed(prefix + "dp.assignments", Assignment.class),
                committed(prefix + "dp.window-metrics", WindowMetrics.class),
                committed(prefix + "dp.dead-letter", DeadLetter.class));
    }

    /** The offsets the job's consumer group has committed on dp.requests, summed over its partitions. */
    private static long readOffsets(String prefix) throws Exception {
        try (org.apache.kafka.clients.admin.Admin admin =
                org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers", KAFKA.bootstrapServers()))) {
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

    @Test
    void stoppedWithASavepointAndRestoredFromItCommitsWhatAnUnbrokenRunCommits(@TempDir Path dir) throws Exception {
        // Unbroken: the whole replay is there before the job starts.
        createTopics("unbroken.");
        try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer()) {
            produce(producer, "unbroken.dp.requests", 0, 1);
        }
        try (MiniCluster mini = miniCluster()) {
            JobID id = mini.submitJob(job("unbroken.")).get().getJobID();
            assertThat(mini.requestJobResult(id).get(5, TimeUnit.MINUTES).isSuccess())
                    .isTrue();
        }
        List<List<String>> expected = committedOutput("unbroken.");
        assertThat(expected.get(1))
                .as("assignments")
                .hasSize(CLUSTERS.size() * POLICIES.size() * RECORDS.get(0).size());

        // Upgraded mid-stream: the stream arrives in chunks while the job runs; once it committed output, the job stops
        // with a savepoint; the rest arrives while no job runs.
        createTopics("upgrade.");
        String savepoint = null;
        long committedAtStop = 0;
        int stoppedAfter = -1;
        try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer();
                MiniCluster mini = miniCluster()) {
            JobID first = mini.submitJob(job("upgrade.")).get().getJobID();
            for (int c = 0; c < CHUNKS; c++) {
                produce(producer, "upgrade.dp.requests", c, CHUNKS);
                if (savepoint == null && c >= 3 && c < CHUNKS - 2) {
                    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                    while (committed("upgrade.dp.step-metrics", StepMetrics.class)
                                    .isEmpty()
                            && System.nanoTime() < deadline) {
                        Thread.sleep(200); // the job checkpoints every 300 ms: wait for its first commit
                    }
                    savepoint = mini.stopWithSavepoint(
                                    first,
                                    dir.resolve("savepoints").toUri().toString(),
                                    false,
                                    SavepointFormatType.DEFAULT)
                            .get(2, TimeUnit.MINUTES);
                    assertThat(mini.requestJobResult(first)
                                    .get(1, TimeUnit.MINUTES)
                                    .getApplicationStatus()
                                    .name())
                            .isEqualTo("SUCCEEDED");
                    committedAtStop = committed("upgrade.dp.step-metrics", StepMetrics.class)
                            .size();
                    stoppedAfter = c;
                }
            }
        }
        assertThat(savepoint)
                .as("the job was stopped with a savepoint mid-stream")
                .isNotNull();
        assertThat(committedAtStop)
                .as("step metrics committed when the job stopped")
                .isPositive()
                .isLessThan(expected.get(0).size());

        // The new job: same uids, restored from the savepoint (a local path, as stop-job prints it), reads on. A
        // bounded
        // Kafka source restored from a savepoint never ends (FLINK-31006: its enumerator never says "no more splits"),
        // so
        // the restored job runs until its consumer group has committed the end offsets, and then stops with a draining
        // savepoint: the end of event time, as the unbroken run's end of input, closes the shadows' open work.
        String path = Path.of(java.net.URI.create(savepoint)).toString();
        JobGraph restored = job("upgrade.", "--from-savepoint", path);
        assertThat(restored.getSavepointRestoreSettings().getRestorePath())
                .isEqualTo(Path.of(path).toUri().toString());
        try (MiniCluster mini = miniCluster()) {
            JobID second = mini.submitJob(restored).get().getJobID();
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (readOffsets("upgrade.") < 2L * RECORDS.get(0).size()) {
                assertThat(mini.getJobStatus(second).get().isGloballyTerminalState())
                        .as("the restored job ended")
                        .isFalse();
                assertThat(System.nanoTime())
                        .as("the restored job reads the rest within 3 minutes")
                        .isLessThan(deadline);
                Thread.sleep(200);
            }
            mini.stopWithSavepoint(second, dir.resolve("final").toUri().toString(), true, SavepointFormatType.DEFAULT)
                    .get(2, TimeUnit.MINUTES);
            assertThat(mini.requestJobResult(second).get(1, TimeUnit.MINUTES).isSuccess())
                    .isTrue();
            var stats = mini.getArchivedExecutionGraph(second).get().getCheckpointStatsSnapshot();
            assertThat(stats.getLatestRestoredCheckpoint())
                    .as("the new job restored the savepoint")
                    .isNotNull();
            assertThat(stats.getLatestRestoredCheckpoint().getExternalPath()).isEqualTo(savepoint);
        }
        System.out.println("stopped with a savepoint after chunk " + stoppedAfter + " of " + CHUNKS + " with "
                + committedAtStop + " of " + expected.get(0).size() + " step metrics committed; restored and finished");
        assertThat(committedOutput("upgrade.")).isEqualTo(expected);
    }
}
