package io.dpbalance.jobs.shadow;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpbalance.jobs.common.SinkApplier;
import io.dpbalance.jobs.io.CaughtUpIdleness;
import io.dpbalance.jobs.io.KafkaConnectors;
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
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
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
 * Issue 10 item 2 for the shadow job: a broker outage under a live exactly-once shadow job changes no committed
 * output. 600 requests (the Azure trace's first 300 at 5x, for 2 clusters on 2 partitions, 2 policies) are produced
 * in 30 paced chunks while an unbounded job with 2 s idleness reads them; after a third of them the broker is cut off
 * for 6 s ({@link io.dpbalance.jobs.testing.OutageProxy}; the producer buffers and sends after). Once the job's
 * consumer group has committed the end offsets it is stopped with a draining savepoint (the end of event time, as a
 * bounded run's end of input). Its committed step metrics, assignments and window metrics must equal those of a
 * bounded run over the same requests without an outage, with no dead letter (no request late).
 *
 * <p>The job drains once it has been quiet for three times its idleness, so every partition is idle then: Flink 2.2
 * drops the drain's final watermark when the source is idle (FLINK-40499), and without {@code InputTriage}'s
 * end-of-input operator the shadows would never see the end of event time (they committed 260 of 300 assignments).
 *
 * <p>{@code -Ddpbalance.outage.plainIdleness=true} runs the live job with Flink's plain idleness instead of
 * {@link CaughtUpIdleness} (the job before issue 10's fix).
 */
class ShadowBrokerOutageITCase {

    private static final List<String> CLUSTERS = List.of("cluster-0", "cluster-1");
    private static final List<String> POLICIES = List.of("vllm", "bfio:h=20,lookahead=hazard");
    private static final int CHUNKS = 30;
    private static final Duration IDLENESS = Duration.ofSeconds(2);
    private static final Duration OUTAGE = Duration.ofSeconds(6);

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension().withOutages();

    @Test
    void anOutageMidStreamChangesNoCommittedShadowOutput(@TempDir Path dir) throws Exception {
        boolean plainIdleness = Boolean.getBoolean("dpbalance.outage.plainIdleness");
        List<List<RequestArrival>> requests = ShadowReplay.perCluster(CLUSTERS, 300);
        List<ProducerRecord<byte[], byte[]>> calm = records("calm.dp.requests", requests);
        List<ProducerRecord<byte[], byte[]>> stream = records("outage.dp.requests", requests);
        createTopics("calm.", "outage.");

        // The run without an outage: bounded over the whole stream, produced before it starts.
        try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer()) {
            calm.forEach(producer::send);
            producer.flush();
        }
        long started = System.nanoTime();
        StreamExecutionEnvironment bounded = environment();
        define(bounded, "calm.", true, false);
        bounded.execute("calm shadow run");
        long calmSeconds = (System.nanoTime() - started) / 1_000_000_000;
        Map<String, List<String>> expected = output("calm.");
        assertThat(expected.get("dp.assignments")).hasSize(CLUSTERS.size() * POLICIES.size() * 300);
        assertThat(deadLetters("calm.")).isEmpty();

        // The live run: unbounded, reading while the stream is produced, with an outage after a third of it.
        started = System.nanoTime();
        StreamExecutionEnvironment live = environment();
        define(live, "outage.", false, plainIdleness);
        JobClient job = live.executeAsync("shadow outage run");
        long outageSeen = KAFKA.produceWithOutage(stream, CHUNKS, OUTAGE);
        drainOnceReadAndIdle(job, "outage.group", stream.size(), dir);
        long liveSeconds = (System.nanoTime() - started) / 1_000_000_000;

        Map<String, List<String>> actual = output("outage.");
        List<String> dead = deadLetters("outage.");
        Map<String, Integer> sizes = new TreeMap<>();
        actual.forEach((topic, records) -> sizes.put(topic, records.size()));
        System.out.printf(
                "shadow broker outage%s: %d ms from the cut to the end of production; committed %s, "
                        + "%d dead letters (%d LATE_RECORD); calm run %d s, live run %d s; per shadow, without the outage %s, "
                        + "with it %s%n",
                plainIdleness ? " (plain idleness)" : "",
                outageSeen,
                sizes,
                dead.size(),
                dead.stream()
                        .filter(reason -> reason.startsWith(ShadowSchedulerFunction.LATE_RECORD))
                        .count(),
                calmSeconds,
                liveSeconds,
                perShadow("calm."),
                perShadow("outage."));
        assertThat(dead).as("dead letters (requests late after the outage)").isEmpty();
        expected.forEach(
                (topic, records) -> assertThat(actual.get(topic)).as(topic).isEqualTo(records));
    }

    /**
     * FLINK-40499 on its own: with Flink's plain idleness every partition of a caught-up job goes idle after 2 s of
     * quiet; a job drained then must still see the end of event time and write everything a bounded run writes. Before
     * {@code InputTriage}'s end-of-input operator each shadow committed 260 of its 300 assignments and 1 of 2 windows.
     */
    @Test
    void aDrainWhileEveryPartitionIsIdleStillEndsEventTime(@TempDir Path dir) throws Exception {
        List<List<RequestArrival>> requests = ShadowReplay.perCluster(CLUSTERS, 300);
        createTopics("idle-calm.", "idle.");
        List<ProducerRecord<byte[], byte[]>> stream = records("idle.dp.requests", requests);
        try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer()) {
            records("idle-calm.dp.requests", requests).forEach(producer::send);
            stream.forEach(producer::send);
            producer.flush();
        }
        StreamExecutionEnvironment bounded = environment();
        define(bounded, "idle-calm.", true, false);
        bounded.execute("calm shadow run");
        Map<String, List<String>> expected = output("idle-calm.");
        assertThat(expected.get("dp.assignments")).hasSize(CLUSTERS.size() * POLICIES.size() * 300);

        StreamExecutionEnvironment live = environment();
        define(live, "idle.", false, true);
        JobClient job = live.executeAsync("shadow drained while idle");
        drainOnceReadAndIdle(job, "idle.group", stream.size(), dir);

        System.out.printf(
                "shadow drained while idle: per shadow, bounded run %s, drained run %s%n",
                perShadow("idle-calm."), perShadow("idle."));
        assertThat(deadLetters("idle.")).isEmpty();
        Map<String, List<String>> actual = output("idle.");
        expected.forEach(
                (topic, records) -> assertThat(actual.get(topic)).as(topic).isEqualTo(records));
    }

    /**
     * Waits until the live job's consumer group has committed {@code records} offsets (it read to the end and
     * checkpointed), then for three times the idleness, so that every partition is idle when the job drains
     * (FLINK-40499's case, which InputTriage's end-of-input operator works around), then stops it with a draining
     * savepoint into {@code dir}: the end of event time, as a bounded run's end of input.
     */
    private static void drainOnceReadAndIdle(JobClient job, String group, int records, Path dir) throws Exception {
        KAFKA.awaitCommitted(job, group, records, Duration.ofMinutes(2));
        Thread.sleep(IDLENESS.multipliedBy(3).toMillis());
        job.stopWithSavepoint(true, dir.toUri().toString(), SavepointFormatType.DEFAULT)
                .get(2, TimeUnit.MINUTES);
        job.getJobExecutionResult().get(1, TimeUnit.MINUTES);
    }

    /** The input and output topics of each run prefix, a partition per cluster. */
    private static void createTopics(String... prefixes) throws Exception {
        for (String prefix : prefixes) {
            KAFKA.createTopics(
                    CLUSTERS.size(),
                    prefix + "dp.requests",
                    prefix + "dp.step-metrics",
                    prefix + "dp.assignments",
                    prefix + "dp.window-metrics",
                    prefix + "dp.dead-letter");
        }
    }

    private static StreamExecutionEnvironment environment() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(500);
        return env;
    }

    /** ShadowReplay's settings (4 ranks x 16, no lag, 2 s out-of-orderness) with 2 s idleness. */
    private static ShadowSettings settings() {
        ShadowSettings replay = ShadowReplay.settings(POLICIES);
        return new ShadowSettings(
                replay.policies(),
                replay.lookahead(),
                replay.seed(),
                replay.clusters(),
                replay.defaultCluster(),
                replay.lag(),
                replay.maxHold(),
                replay.window(),
                replay.outOfOrderness(),
                IDLENESS,
                replay.repeatRetention(),
                replay.maxParallelism());
    }

    private static void define(StreamExecutionEnvironment env, String prefix, boolean bounded, boolean plainIdleness) {
        String bootstrap = KAFKA.bootstrapServers();
        Properties none = new Properties();
        long timeout = Duration.ofMinutes(5).toMillis();
        ShadowSchedulerJob.defineWorkflow(
                env,
                settings(),
                KafkaConnectors.source(
                        bootstrap,
                        prefix + "dp.requests",
                        prefix + "group",
                        OffsetsInitializer.earliest(),
                        bounded,
                        none,
                        ShadowSchedulerJob.arrivalDecoder()),
                SinkApplier.of(KafkaConnectors.sink(
                        bootstrap,
                        prefix + "dp.step-metrics",
                        StepMetrics.class,
                        DeliveryGuarantee.EXACTLY_ONCE,
                        prefix + "steps",
                        timeout,
                        none)),
                SinkApplier.of(KafkaConnectors.sink(
                        bootstrap,
                        prefix + "dp.assignments",
                        Assignment.class,
                        DeliveryGuarantee.EXACTLY_ONCE,
                        prefix + "assignments",
                        timeout,
                        none)),
                SinkApplier.of(KafkaConnectors.sink(
                        bootstrap,
                        prefix + "dp.window-metrics",
                        WindowMetrics.class,
                        DeliveryGuarantee.EXACTLY_ONCE,
                        prefix + "windows",
                        timeout,
                        none)),
                SinkApplier.of(KafkaConnectors.sink(
                        bootstrap,
                        prefix + "dp.dead-letter",
                        DeadLetter.class,
                        DeliveryGuarantee.EXACTLY_ONCE,
                        prefix + "dead",
                        timeout,
                        none)),
                plainIdleness ? null : new CaughtUpIdleness.Broker(bootstrap, none));
    }

    /** Cluster i's requests on partition i, interleaved in arrival order. */
    private static List<ProducerRecord<byte[], byte[]>> records(String topic, List<List<RequestArrival>> requests) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < requests.get(0).size(); i++) {
            for (int p = 0; p < requests.size(); p++) {
                RequestArrival r = requests.get(p).get(i);
                records.add(new ProducerRecord<>(
                        topic, p, r.getClusterId().getBytes(StandardCharsets.UTF_8), Codecs.REQUEST_ARRIVAL.encode(r)));
            }
        }
        return records;
    }

    /** Each output topic's committed records, decoded and sorted, so that two runs compare as multisets. */
    private static Map<String, List<String>> output(String prefix) throws Exception {
        Map<String, List<String>> out = new TreeMap<>();
        out.put("dp.step-metrics", committed(prefix + "dp.step-metrics", StepMetrics.class, StepMetrics::getClusterId));
        out.put("dp.assignments", committed(prefix + "dp.assignments", Assignment.class, Assignment::getClusterId));
        out.put(
                "dp.window-metrics",
                committed(prefix + "dp.window-metrics", WindowMetrics.class, WindowMetrics::getClusterId));
        return out;
    }

    /** Per (cluster, policy): assignments, then windows and the late records they count. */
    private static Map<String, String> perShadow(String prefix) throws Exception {
        Map<String, long[]> counts = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> record : KAFKA.readCommitted(prefix + "dp.assignments")) {
            Assignment a = decoded(Codecs.ASSIGNMENT.decode(record.value()));
            counts.computeIfAbsent(a.getClusterId() + "/" + a.getPolicy(), k -> new long[3])[0]++;
        }
        for (ConsumerRecord<byte[], byte[]> record : KAFKA.readCommitted(prefix + "dp.window-metrics")) {
            WindowMetrics w = decoded(Codecs.WINDOW_METRICS.decode(record.value()));
            long[] c = counts.computeIfAbsent(w.getClusterId() + "/" + w.getPolicy(), k -> new long[3]);
            c[1]++;
            c[2] += w.getLateRecords();
        }
        Map<String, String> out = new TreeMap<>();
        counts.forEach((shadow, c) -> out.put(shadow, c[0] + " assignments, " + c[1] + " windows, " + c[2] + " late"));
        return out;
    }

    private static List<String> deadLetters(String prefix) throws Exception {
        List<String> reasons = new ArrayList<>();
        AvroCodec<DeadLetter> codec = Codecs.DEAD_LETTER;
        for (ConsumerRecord<byte[], byte[]> record : KAFKA.readCommitted(prefix + "dp.dead-letter")) {
            reasons.add(decoded(codec.decode(record.value())).getReason());
        }
        return reasons;
    }

    /** The topic's committed records of the compared clusters , as text, sorted. */
    private static <T extends org.apache.avro.specific.SpecificRecord> List<String> committed(
            String topic, Class<T> type, java.util.function.Function<T, String> cluster) throws Exception {
        AvroCodec<T> codec = Codecs.codec(type);
        List<String> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : KAFKA.readCommitted(topic)) {
            T value = decoded(codec.decode(record.value()));
            if (CLUSTERS.contains(cluster.apply(value))) {
                out.add(value.toString());
            }
        }
        out.sort(null);
        return out;
    }

    private static <T> T decoded(DecodeResult<T> result) {
        assertThat(result.isDecoded()).as(String.valueOf(result)).isTrue();
        return ((DecodeResult.Decoded<T>) result).value();
    }
}
