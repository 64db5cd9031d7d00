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
import io.dpbalance.schemas.WindowMetrics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
 * State from the previous layout: a savepoint that the shadow job wrote (committed under
 * src/test/resources/savepoints/shadow-layout-1/, with the output the job had committed up to it) is restored by
 * today's job graph, which reads the rest of the stream; what the old run committed plus what the restored job commits
 * equals what an unbroken run commits. A state-layout change (a changed uid, serializer or state descriptor) breaks
 * it; such a change must come with a migration and a newly written resource (see docs/reliability.md).
 *
 * <p>Written with {@code -Ddpbalance.layout.write=<jobs/src/test/resources/savepoints>}: runs the job over the first
 * half of the replay, stops it with a savepoint and writes the resource, instead of restoring it.
 */
class ShadowSchedulerPreviousLayoutITCase {

    private static final List<String> CLUSTERS = List.of("cluster-0", "cluster-1");
    private static final List<String> POLICIES = List.of("vllm", "bfio:h=20,lookahead=hazard");
    private static final String LAYOUT = "shadow-layout-1";
    private static final String PREFIX = "layout.";

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final List<List<RequestArrival>> RECORDS = ShadowReplay.perCluster(CLUSTERS, 120);

    private static ShadowSettings settings() {
        return ShadowReplay.settings(POLICIES);
    }

    /** The job (assignments, windows and dead letters; at-least-once sinks keep no transaction state). */
    private static JobGraph job(String prefix, String... flags) {
        JobOptions options = new JobOptions();
        new CommandLine(options).parseArgs(flags);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.configure(options.recoveryConfiguration());
        env.setParallelism(1);
        env.enableCheckpointing(300);
        return ShadowReplay.job(
                env, KAFKA.bootstrapServers(), prefix, settings(), RECORDS, DeliveryGuarantee.AT_LEAST_ONCE, false);
    }

    private static MiniCluster miniCluster() throws Exception {
        MiniCluster mini = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(new Configuration())
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(1)
                .build());
        mini.start();
        return mini;
    }

    private static void createTopics(String prefix) throws Exception {
        List<String> topics = new ArrayList<>();
        for (String t : List.of("dp.requests", "dp.assignments", "dp.window-metrics", "dp.dead-letter")) {
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

    /** Produces records [from, to) of each partition. */
    private static void produce(String topic, int from, int to) {
        AvroCodec<RequestArrival> codec = Codecs.REQUEST_ARRIVAL;
        List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer()) {
            for (int i = from; i < to; i++) {
                for (int p = 0; p < CLUSTERS.size(); p++) {
                    RequestArrival r = RECORDS.get(p).get(i);
                    sent.add(producer.send(new ProducerRecord<>(
                            topic, p, r.getClusterId().getBytes(StandardCharsets.UTF_8), codec.encode(r))));
                }
            }
            producer.flush();
            awaitSent(sent);
        }
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> void committed(
            String prefix, String topic, Class<T> type, List<String> out) throws Exception {
        AvroCodec<T> codec = Codecs.codec(type);
        for (ConsumerRecord<byte[], byte[]> record : KAFKA.readCommitted(prefix + topic)) {
            DecodeResult<T> result = codec.decode(record.value());
            assertThat(result).isInstanceOf(DecodeResult.Decoded.class);
            out.add(topic + " " + ((DecodeResult.Decoded<T>) result).value());
        }
    }

    /** Every output record, as "topic record", sorted. */
    private static List<String> committedOutput(String prefix) throws Exception {
        List<String> out = new ArrayList<>();
        committed(prefix, "dp.assignments", Assignment.class, out);
        committed(prefix, "dp.window-metrics", WindowMetrics.class, out);
        committed(prefix, "dp.dead-letter", DeadLetter.class, out);
        out.sort(Comparator.naturalOrder());
        return out;
    }

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

    /** Waits until the job's consumer group has committed {@code offsets} records in all. */
    private static void awaitRead(MiniCluster mini, JobID id, long offsets) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (readOffsets(PREFIX) < offsets) {
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

    @Test
    void aSavepointOfThePreviousLayoutRestoresAndCarriesOn(@TempDir Path dir) throws Exception {
        String write = System.getProperty("dpbalance.layout.write");
        int half = RECORDS.get(0).size() / 2;
        createTopics(PREFIX);
        if (write != null) {
            writeResource(Path.of(write).resolve(LAYOUT), dir, half);
            return;
        }
        Path resource = Path.of(getClass()
                        .getResource("/savepoints/" + LAYOUT + "/_metadata")
                        .toURI())
                .getParent();
        List<String> before = Files.readAllLines(resource.resolve("committed-before.txt"));
        assertThat(before)
                .as("output the old run committed before its savepoint")
                .isNotEmpty();

        // Unbroken run, today's job.
        createTopics("unbroken.");
        produce("unbroken.dp.requests", 0, RECORDS.get(0).size());
        try (MiniCluster mini = miniCluster()) {
            JobID id = mini.submitJob(job("unbroken.")).get().getJobID();
            assertThat(mini.requestJobResult(id).get(5, TimeUnit.MINUTES).isSuccess())
                    .isTrue();
        }
        List<String> expected = committedOutput("unbroken.");

        // The old run's savepoint was taken after it had read the first half; the broker now holds the whole stream.
        produce(PREFIX + "dp.requests", 0, RECORDS.get(0).size());
        try (MiniCluster mini = miniCluster()) {
            JobID id = mini.submitJob(job(PREFIX, "--from-savepoint", resource.toString()))
                    .get()
                    .getJobID();
            awaitRead(mini, id, 2L * RECORDS.get(0).size());
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
        List<String> after = committedOutput(PREFIX);
        List<String> all = new ArrayList<>(before);
        all.addAll(after);
        all.sort(Comparator.naturalOrder());
        System.out.println("previous layout: " + before.size() + " records committed before the savepoint, "
                + after.size() + " after the restore, " + expected.size() + " in the unbroken run");
        assertThat(all).isEqualTo(expected);
    }

    /** Runs the job over the first half, stops it with a savepoint and writes it with the output committed so far. */
    private void writeResource(Path target, Path dir, int half) throws Exception {
        produce(PREFIX + "dp.requests", 0, half);
        String savepoint;
        try (MiniCluster mini = miniCluster()) {
            JobID id = mini.submitJob(job(PREFIX)).get().getJobID();
            awaitRead(mini, id, 2L * half);
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
        Files.write(target.resolve("committed-before.txt"), committedOutput(PREFIX));
        System.out.println("wrote " + target);
    }
}
