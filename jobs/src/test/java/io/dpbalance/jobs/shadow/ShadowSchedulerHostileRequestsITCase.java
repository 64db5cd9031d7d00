package io.dpbalance.jobs.shadow;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpbalance.jobs.common.SinkApplier;
import io.dpbalance.jobs.io.KafkaConnectors;
import io.dpbalance.jobs.testing.KafkaBrokerExtension;
import io.dpbalance.schemas.Assignment;
import io.dpbalance.schemas.Codecs;
import io.dpbalance.schemas.DeadLetter;
import io.dpbalance.schemas.DecodeResult;
import io.dpbalance.schemas.RequestArrival;
import io.dpbalance.schemas.StepMetrics;
import io.dpbalance.schemas.TokenEvent;
import io.dpbalance.schemas.WindowMetrics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 10's fault suite, shadow: 2,200 hostile requests of every kind the probes found (output_tokens 1e8, prompt
 * 1e12, empty and 200 KB ids, year-2100 arrivals, rank 1e8, 1 MB records, 400 KB keys, garbage, truncated Avro, the
 * wrong schema, negative counts, repeated request ids, ...) among 600 valid requests of the Azure trace (300 per cluster, 2 clusters, 2
 * policies). The job runs once over the valid requests and once over the mix, exactly-once, with no restart allowed,
 * and must write one dead letter per hostile record with the reason it was made for, none for a valid one, and
 * commit assignments, step metrics and window metrics byte for byte equal to the clean run's.
 */
class ShadowSchedulerHostileRequestsITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final List<String> CLUSTERS = List.of("cluster-0", "cluster-1");
    private static final List<String> POLICIES = List.of("vllm", "bfio:h=20,lookahead=hazard");
    private static final int HOSTILE = 2_200;
    private static final long YEAR_2100 = Instant.parse("2100-01-01T00:00:00Z").toEpochMilli();

    private record Hostile(int partition, int after, byte[] key, byte[] value, String reason) {}

    @Test
    void twoThousandTwoHundredHostileRequestsAreDeadLettersAndTheShadowsAreThoseOfTheCleanStream() throws Exception {
        List<List<RequestArrival>> valid = ShadowReplay.perCluster(CLUSTERS, 300);
        List<Hostile> hostile = hostile(valid, new Random(42));
        assertThat(hostile).hasSize(HOSTILE);
        KAFKA.createTopics(CLUSTERS.size(), "clean.dp.requests", "mix.dp.requests");
        produce("clean.dp.requests", valid, List.of());
        Map<String, String> expectedReasons = produce("mix.dp.requests", valid, hostile);
        assertThat(expectedReasons).hasSize(HOSTILE);

        long started = System.nanoTime();
        run("clean");
        long clean = System.nanoTime();
        run("mix");
        long mixed = System.nanoTime();

        assertThat(KAFKA.readCommitted("out.clean.dp.dead-letter"))
                .as("dead letters of the clean stream")
                .isEmpty();
        List<ConsumerRecord<byte[], byte[]>> dead = KAFKA.readCommitted("out.mix.dp.dead-letter");
        Map<String, String> actualReasons = new TreeMap<>();
        Map<String, Integer> byReason = new TreeMap<>();
        int largest = 0;
        for (ConsumerRecord<byte[], byte[]> record : dead) {
            DeadLetter letter = decoded(Codecs.DEAD_LETTER.decode(record.value()));
            String reason = letter.getReason();
            int colon = reason.indexOf(':');
            String code = colon < 0 ? reason : reason.substring(0, colon);
            String where = letter.getSourceTopic() + "/" + letter.getPartition() + "@" + letter.getOffset();
            assertThat(actualReasons.put(where, code))
                    .as("a second dead letter for %s", where)
                    .isNull();
            byReason.merge(code, 1, Integer::sum);
            largest = Math.max(largest, record.serializedKeySize() + record.serializedValueSize());
        }
        List<String> wrong = new ArrayList<>();
        expectedReasons.forEach((where, reason) -> {
            if (!reason.equals(actualReasons.get(where))) {
                wrong.add(where + ": expected " + reason + ", got " + actualReasons.get(where));
            }
        });
        actualReasons.keySet().stream()
                .filter(where -> !expectedReasons.containsKey(where))
                .forEach(where -> wrong.add(where + ": a valid record dead-lettered as " + actualReasons.get(where)));
        assertThat(wrong)
                .as("dead letters that are missing, extra or of the wrong reason (%d)", wrong.size())
                .isEmpty();
        assertThat(dead).hasSize(HOSTILE);
        assertThat(largest).as("the largest dead letter, bytes").isLessThan(20 * 1024);

        int committed = 0;
        for (String topic : List.of("dp.assignments", "dp.step-metrics", "dp.window-metrics")) {
            List<String> expected = raw("out.clean." + topic);
            assertThat(expected).as("%s of the clean stream", topic).isNotEmpty();
            assertThat(raw("out.mix." + topic)).as(topic).isEqualTo(expected);
            committed += expected.size();
        }
        System.out.printf(
                "hostile records (shadow): %d valid requests, %d hostile -> %d dead letters in %d reason "
                        + "codes %s, largest %d B; %d committed records (assignments, step and window metrics) byte-identical "
                        + "to the clean run; 0 restarts; clean run %.1f s, mixed run %.1f s%n",
                valid.stream().mapToInt(List::size).sum(),
                hostile.size(),
                dead.size(),
                byReason.size(),
                byReason,
                largest,
                committed,
                (clean - started) / 1e9,
                (mixed - clean) / 1e9);
    }

    private static List<Hostile> hostile(List<List<RequestArrival>> valid, Random random) {
        Map<String, Integer> kinds = new LinkedHashMap<>();
        kinds.put("garbage", 150);
        kinds.put("empty", 100);
        kinds.put("too-short", 100);
        kinds.put("unknown-fingerprint", 100);
        kinds.put("wrong-record", 100);
        kinds.put("truncated", 150);
        kinds.put("output-1e8", 150);
        kinds.put("prompt-1e12", 150);
        kinds.put("negative-prompt", 100);
        kinds.put("zero-prompt", 100);
        kinds.put("negative-output", 50);
        kinds.put("empty-cluster", 100);
        kinds.put("empty-request", 100);
        kinds.put("cluster-200kb", 5);
        kinds.put("request-200kb", 5);
        kinds.put("request-300-chars", 90);
        kinds.put("model-300-chars", 50);
        kinds.put("key-400kb", 5);
        kinds.put("key-2kb", 95);
        kinds.put("one-mb", 5);
        kinds.put("year-2100", 195);
        kinds.put("rank-1e8", 50);
        kinds.put("negative-rank", 50);
        // Valid records whose id was read before: right after the request (it is pending or running in the shadows) and
        // 20 to 119 requests later (it may have finished: the shadows simulated it again or counted it late).
        kinds.put("repeated", 100);
        kinds.put("repeated-later", 100);
        List<Hostile> out = new ArrayList<>();
        for (var kind : kinds.entrySet()) {
            for (int i = 0; i < kind.getValue(); i++) {
                int p = random.nextInt(CLUSTERS.size());
                int size = valid.get(p).size();
                boolean later = kind.getKey().equals("repeated-later");
                int after = later ? 120 + random.nextInt(size - 120) : random.nextInt(size);
                int of = later ? after - 20 - random.nextInt(100) : after;
                RequestArrival r =
                        RequestArrival.newBuilder(valid.get(p).get(of)).build();
                out.add(hostile(kind.getKey(), p, after, r, random));
            }
        }
        return out;
    }

    private static Hostile hostile(String kind, int p, int after, RequestArrival r, Random random) {
        byte[] key = r.getClusterId().getBytes(StandardCharsets.UTF_8);
        switch (kind) {
            case "garbage": {
                byte[] bytes = new byte[12 + random.nextInt(200)];
                random.nextBytes(bytes);
                bytes[0] = (byte) (bytes[0] == (byte) 0xC3 ? 0 : bytes[0]);
                return new Hostile(p, after, key, bytes, "BAD_MARKER");
            }
            case "empty":
                return new Hostile(p, after, key, new byte[0], "EMPTY");
            case "too-short":
                return new Hostile(p, after, key, new byte[] {(byte) 0xC3, 0x01, 9}, "TOO_SHORT");
            case "unknown-fingerprint": {
                byte[] bytes = Codecs.REQUEST_ARRIVAL.encode(r);
                bytes[2] ^= (byte) 0xFF;
                return new Hostile(p, after, key, bytes, "UNKNOWN_FINGERPRINT");
            }
            case "wrong-record":
                return new Hostile(
                        p,
                        after,
                        key,
                        Codecs.TOKEN_EVENT.encode(TokenEvent.newBuilder()
                                .setClusterId(r.getClusterId())
                                .setRank(0)
                                .setStep(1)
                                .setRequestId(r.getRequestId())
                                .setEventTime(r.getArrivalTime())
                                .setContextTokens(r.getPromptTokens())
                                .setFinal$(false)
                                .build()),
                        "WRONG_RECORD");
            case "truncated": {
                byte[] bytes = Codecs.REQUEST_ARRIVAL.encode(r);
                return new Hostile(
                        p, after, key, Arrays.copyOf(bytes, 10 + random.nextInt(bytes.length - 12)), "CORRUPT_BODY");
            }
            case "output-1e8":
                r.setOutputTokens(100_000_000L);
                return of(p, after, key, r, "TOKENS_OVER_LIMIT");
            case "prompt-1e12":
                r.setPromptTokens(1_000_000_000_000L);
                return of(p, after, key, r, "TOKENS_OVER_LIMIT");
            case "negative-prompt":
                r.setPromptTokens(-1L - random.nextInt(1000));
                return of(p, after, key, r, "NEGATIVE_COUNT");
            case "zero-prompt":
                r.setPromptTokens(0L);
                return of(p, after, key, r, "ABSURD_COUNT");
            case "negative-output":
                r.setOutputTokens(-1L - random.nextInt(1000));
                return of(p, after, key, r, "NEGATIVE_COUNT");
            case "empty-cluster":
                r.setClusterId("");
                return of(p, after, key, r, "EMPTY_CLUSTER_ID");
            case "empty-request":
                r.setRequestId("");
                return of(p, after, key, r, "EMPTY_REQUEST_ID");
            case "cluster-200kb":
                r.setClusterId("c".repeat(200 * 1024));
                return of(p, after, key, r, "ID_TOO_LONG");
            case "request-200kb":
                r.setRequestId("r".repeat(200 * 1024));
                return of(p, after, key, r, "ID_TOO_LONG");
            case "request-300-chars":
                r.setRequestId(r.getRequestId() + "x".repeat(300));
                return of(p, after, key, r, "ID_TOO_LONG");
            case "model-300-chars":
                r.setModel("m".repeat(300));
                return of(p, after, key, r, "ID_TOO_LONG");
            case "key-400kb":
                return new Hostile(
                        p,
                        after,
                        "k".repeat(400 * 1024).getBytes(StandardCharsets.UTF_8),
                        Codecs.REQUEST_ARRIVAL.encode(r),
                        "KEY_TOO_LONG");
            case "key-2kb":
                return new Hostile(
                        p,
                        after,
                        "k".repeat(2048).getBytes(StandardCharsets.UTF_8),
                        Codecs.REQUEST_ARRIVAL.encode(r),
                        "KEY_TOO_LONG");
            case "one-mb":
                return new Hostile(
                        p,
                        after,
                        "h".repeat(400 * 1024).getBytes(StandardCharsets.UTF_8),
                        new byte[600 * 1024],
                        "BAD_MARKER");
            case "year-2100":
                r.setArrivalTime(Instant.ofEpochMilli(YEAR_2100 + random.nextInt(1_000_000)));
                return of(p, after, key, r, "EVENT_TIME_IN_FUTURE");
            case "rank-1e8":
                r.setRank(100_000_000);
                return of(p, after, key, r, "RANK_OVER_LIMIT");
            case "negative-rank":
                r.setRank(-1);
                return of(p, after, key, r, "RANK_OUTSIDE_ROSTER");
            case "repeated", "repeated-later":
                return of(p, after, key, r, "REQUEST_REPEATED");
            default:
                throw new IllegalArgumentException(kind);
        }
    }

    private static Hostile of(int p, int after, byte[] key, RequestArrival r, String reason) {
        return new Hostile(p, after, key, Codecs.REQUEST_ARRIVAL.encode(r), reason);
    }

    /** Writes cluster i's requests to partition i, each hostile record right after the valid one it was placed after. */
    private static Map<String, String> produce(String topic, List<List<RequestArrival>> valid, List<Hostile> hostile)
            throws Exception {
        Map<Integer, Map<Integer, List<Hostile>>> placed = new HashMap<>();
        hostile.forEach(h -> placed.computeIfAbsent(h.partition, p -> new HashMap<>())
                .computeIfAbsent(h.after, i -> new ArrayList<>())
                .add(h));
        Map<Future<RecordMetadata>, String> sent = new LinkedHashMap<>();
        List<Future<RecordMetadata>> all = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer()) {
            for (int p = 0; p < valid.size(); p++) {
                for (int i = 0; i < valid.get(p).size(); i++) {
                    RequestArrival r = valid.get(p).get(i);
                    all.add(producer.send(new ProducerRecord<>(
                            topic,
                            p,
                            r.getClusterId().getBytes(StandardCharsets.UTF_8),
                            Codecs.REQUEST_ARRIVAL.encode(r))));
                    for (Hostile h : placed.getOrDefault(p, Map.of()).getOrDefault(i, List.of())) {
                        Future<RecordMetadata> f = producer.send(new ProducerRecord<>(topic, p, h.key, h.value));
                        sent.put(f, h.reason);
                        all.add(f);
                    }
                }
            }
            producer.flush();
        }
        for (Future<RecordMetadata> f : all) {
            f.get(30, TimeUnit.SECONDS);
        }
        Map<String, String> reasons = new HashMap<>();
        for (var entry : sent.entrySet()) {
            RecordMetadata m = entry.getKey().get();
            reasons.put(m.topic() + "/" + m.partition() + "@" + m.offset(), entry.getValue());
        }
        return reasons;
    }

    /** The job over the run's requests, exactly-once sinks, no restart: a failure fails the test. */
    private static void run(String run) throws Exception {
        String out = "out." + run + ".";
        KAFKA.createTopics(
                CLUSTERS.size(),
                out + "dp.assignments",
                out + "dp.step-metrics",
                out + "dp.window-metrics",
                out + "dp.dead-letter");
        Configuration config = new Configuration();
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(2);
        env.enableCheckpointing(500, CheckpointingMode.EXACTLY_ONCE);
        String bootstrap = KAFKA.bootstrapServers();
        Properties none = new Properties();
        long timeout = Duration.ofMinutes(5).toMillis();
        ShadowSchedulerJob.defineWorkflow(
                env,
                ShadowReplay.settings(POLICIES),
                KafkaConnectors.source(
                        bootstrap,
                        run + ".dp.requests",
                        out + "group",
                        OffsetsInitializer.earliest(),
                        true,
                        none,
                        ShadowSchedulerJob.arrivalDecoder()),
                SinkApplier.of(KafkaConnectors.sink(
                        bootstrap,
                        out + "dp.step-metrics",
                        StepMetrics.class,
                        DeliveryGuarantee.EXACTLY_ONCE,
                        out + "steps",
                        timeout,
                        none)),
                SinkApplier.of(KafkaConnectors.sink(
                        bootstrap,
                        out + "dp.assignments",
                        Assignment.class,
                        DeliveryGuarantee.EXACTLY_ONCE,
                        out + "assignments",
                        timeout,
                        none)),
                SinkApplier.of(KafkaConnectors.sink(
                        bootstrap,
                        out + "dp.window-metrics",
                        WindowMetrics.class,
                        DeliveryGuarantee.EXACTLY_ONCE,
                        out + "windows",
                        timeout,
                        none)),
                SinkApplier.of(KafkaConnectors.sink(
                        bootstrap,
                        out + "dp.dead-letter",
                        DeadLetter.class,
                        DeliveryGuarantee.EXACTLY_ONCE,
                        out + "dead",
                        timeout,
                        none)));
        // A job that stalls (1e8 output tokens to simulate) fails the test after 5 minutes instead of hanging it.
        env.executeAsync("hostile requests " + run).getJobExecutionResult().get(5, TimeUnit.MINUTES);
    }

    private static List<String> raw(String topic) throws Exception {
        Base64.Encoder b64 = Base64.getEncoder();
        return KAFKA.readCommitted(topic).stream()
                .map(r -> b64.encodeToString(r.key()) + " " + b64.encodeToString(r.value()))
                .sorted()
                .toList();
    }

    private static <T> T decoded(DecodeResult<T> result) {
        assertThat(result.isDecoded()).as(String.valueOf(result)).isTrue();
        return ((DecodeResult.Decoded<T>) result).value();
    }
}
