package io.dpbalance.jobs.analytics;

import static io.dpbalance.jobs.testing.DatagenRun.datagen;
import static org.assertj.core.api.Assertions.assertThat;

import io.dpbalance.jobs.common.DeadLetters;
import io.dpbalance.jobs.common.SinkApplier;
import io.dpbalance.jobs.io.InputRecord;
import io.dpbalance.jobs.io.KafkaConnectors;
import io.dpbalance.jobs.testing.KafkaBrokerExtension;
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
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
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
 * Issue 10's fault suite, analytics: 9,000 hostile token events and 1,000 hostile rank-steps of every kind the
 * probes found (1 MB records, 400 KB keys, rank 1e8, context_tokens 1e12, empty and 200 KB ids, year-2100 times,
 * duplicated final tokens and rank-steps, garbage, truncated Avro, the wrong schema, negative counts, ...) are mixed
 * into a valid decode log made by {@code datagen decode-log}. The job runs once over the clean log and once over the
 * mix, exactly-once, with no restart allowed (any failure fails the run), and must:
 * <ul>
 *   <li>write exactly one dead letter per hostile record, at that record's offset, with the reason code it was made
 *       for, and none for a valid record;</li>
 *   <li>commit step and window metrics byte for byte equal to the clean run's;</li>
 *   <li>keep every dead letter under 20 KB.</li>
 * </ul>
 */
class TraceAnalyticsHostileRecordsITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final int PARTITIONS = 2;
    private static final int HOSTILE_TOKENS = 9_000;
    private static final int HOSTILE_RANK_STEPS = 1_000;
    private static final String WORKLOAD =
            "n=100;arrival=poisson:rate=40;prompt=lognormal:mean=400,sigma=1,max=4000;output=geometric:mean=100;seed=11";
    /** tok-0 has a configured roster (so a rank inside --max-ranks but outside it is refused); the others learn theirs. */
    private static final AnalyticsSettings SETTINGS = AnalyticsSettings.defaults()
            .withRoster(Map.of("tok-0", 4))
            .withWatermarks(Duration.ofMillis(200), Duration.ofMillis(100))
            .withWindow(Duration.ofSeconds(1));

    private static final long YEAR_2100 = Instant.parse("2100-01-01T00:00:00Z").toEpochMilli();

    /** A hostile record: where it goes (after which valid record of its partition), its key and bytes, its reason. */
    private record Hostile(int partition, int after, byte[] key, byte[] value, String reason) {}

    @Test
    void tenThousandHostileRecordsAreDeadLettersAndTheMetricsAreThoseOfTheCleanLog() throws Exception {
        KAFKA.createTopics(
                PARTITIONS,
                "clean.dp.requests",
                "clean.dp.token-events",
                "clean.dp.rank-steps",
                "mix.dp.token-events",
                "mix.dp.rank-steps");
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
                "token",
                "--clusters",
                "2",
                "--cluster-prefix",
                "tok-",
                "--topic-prefix",
                "clean.",
                "--as-fast-as-possible",
                "--bootstrap",
                KAFKA.bootstrapServers());
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
                "rank",
                "--clusters",
                "2",
                "--cluster-prefix",
                "rank-",
                "--topic-prefix",
                "clean.",
                "--as-fast-as-possible",
                "--bootstrap",
                KAFKA.bootstrapServers());
        List<List<ConsumerRecord<byte[], byte[]>>> tokens = byPartition(KAFKA.readCommitted("clean.dp.token-events"));
        List<List<ConsumerRecord<byte[], byte[]>>> rankSteps = byPartition(KAFKA.readCommitted("clean.dp.rank-steps"));
        int valid = tokens.stream().mapToInt(List::size).sum()
                + rankSteps.stream().mapToInt(List::size).sum();

        Random random = new Random(42);
        List<Hostile> hostileTokens = hostileTokens(tokens, random);
        List<Hostile> hostileRankSteps = hostileRankSteps(rankSteps, random);
        assertThat(hostileTokens).hasSize(HOSTILE_TOKENS);
        assertThat(hostileRankSteps).hasSize(HOSTILE_RANK_STEPS);
        Map<String, String> expectedReasons = new TreeMap<>();
        expectedReasons.putAll(produceMix("mix.dp.token-events", tokens, hostileTokens));
        expectedReasons.putAll(produceMix("mix.dp.rank-steps", rankSteps, hostileRankSteps));
        assertThat(expectedReasons).hasSize(HOSTILE_TOKENS + HOSTILE_RANK_STEPS);

        long started = System.nanoTime();
        run("clean");
        long clean = System.nanoTime();
        run("mix");
        long mixed = System.nanoTime();

        // Dead letters: the clean log has none; the mix one per hostile record, where it was, with its reason.
        assertThat(KAFKA.readCommitted("out.clean.dp.dead-letter"))
                .as("dead letters of the clean log")
                .isEmpty();
        List<ConsumerRecord<byte[], byte[]>> dead = KAFKA.readCommitted("out.mix.dp.dead-letter");
        Map<String, String> actualReasons = new TreeMap<>();
        Map<String, Integer> byReason = new TreeMap<>();
        int largest = 0;
        for (ConsumerRecord<byte[], byte[]> record : dead) {
            DeadLetter letter = decoded(Codecs.DEAD_LETTER.decode(record.value()));
            String code = DeadLetters.code(letter.getReason());
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
        assertThat(dead).hasSize(HOSTILE_TOKENS + HOSTILE_RANK_STEPS);
        assertThat(largest).as("the largest dead letter, bytes").isLessThan(20 * 1024);

        // The metrics: byte for byte those of the clean log.
        List<String> cleanSteps = raw("out.clean.dp.step-metrics");
        List<String> cleanWindows = raw("out.clean.dp.window-metrics");
        assertThat(cleanSteps).as("step metrics of the clean log").hasSizeGreaterThan(2_000);
        assertThat(raw("out.mix.dp.step-metrics")).as("step metrics").isEqualTo(cleanSteps);
        assertThat(raw("out.mix.dp.window-metrics")).as("window metrics").isEqualTo(cleanWindows);
        for (ConsumerRecord<byte[], byte[]> w : KAFKA.readCommitted("out.mix.dp.window-metrics")) {
            assertThat(decoded(Codecs.WINDOW_METRICS.decode(w.value())).getLateRecords())
                    .as("late records")
                    .isZero();
        }

        System.out.printf(
                "hostile records (analytics): %d valid records, %d hostile token events + %d hostile "
                        + "rank-steps -> %d dead letters in %d reason codes %s, largest %d B; %d step metrics and %d window "
                        + "metrics byte-identical to the clean run; 0 restarts; clean run %.1f s, mixed run %.1f s%n",
                valid,
                hostileTokens.size(),
                hostileRankSteps.size(),
                dead.size(),
                byReason.size(),
                byReason,
                largest,
                cleanSteps.size(),
                cleanWindows.size(),
                (clean - started) / 1e9,
                (mixed - clean) / 1e9);
    }

    // ---- the hostile records ----

    private static List<Hostile> hostileTokens(List<List<ConsumerRecord<byte[], byte[]>>> log, Random random) {
        List<Hostile> out = new ArrayList<>();
        Map<String, Integer> kinds = new LinkedHashMap<>();
        kinds.put("garbage", 800);
        kinds.put("empty", 400);
        kinds.put("too-short", 400);
        kinds.put("unknown-fingerprint", 400);
        kinds.put("wrong-record", 400);
        kinds.put("truncated", 800);
        kinds.put("rank-1e8", 500);
        kinds.put("negative-rank", 300);
        kinds.put("outside-roster", 300);
        kinds.put("context-1e12", 500);
        kinds.put("negative-context", 400);
        kinds.put("zero-context", 300);
        kinds.put("step-0", 300);
        kinds.put("empty-cluster", 400);
        kinds.put("empty-request", 400);
        kinds.put("cluster-200kb", 10);
        kinds.put("request-200kb", 10);
        kinds.put("request-300-chars", 480);
        kinds.put("key-400kb", 10);
        kinds.put("key-2kb", 490);
        kinds.put("one-mb", 10);
        kinds.put("year-2100", 500);
        for (var kind : kinds.entrySet()) {
            for (int i = 0; i < kind.getValue(); i++) {
                int p = random.nextInt(PARTITIONS);
                int after = random.nextInt(log.get(p).size());
                out.add(hostileToken(kind.getKey(), p, after, log.get(p).get(after), random));
            }
        }
        // Repeats: every request's final token once, other tokens, and steps that go back, each right after the token
        // it
        // copies (same key, so the same partition and the same request's order).
        List<int[]> finals = new ArrayList<>();
        List<int[]> laterTokens = new ArrayList<>();
        Map<String, Long> lastStep = new HashMap<>();
        Map<String, Long> previousStep = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            for (int i = 0; i < log.get(p).size(); i++) {
                TokenEvent t =
                        decoded(Codecs.TOKEN_EVENT.decode(log.get(p).get(i).value()));
                String request = t.getClusterId() + "/" + t.getRequestId();
                Long last = lastStep.put(request, t.getStep());
                if (t.getFinal$()) {
                    finals.add(new int[] {p, i});
                } else if (last != null && last >= 2) {
                    previousStep.put(p + ":" + i, last);
                    laterTokens.add(new int[] {p, i});
                }
            }
        }
        int left = HOSTILE_TOKENS - out.size();
        int repeatedFinals = Math.min(finals.size(), left / 3);
        int backwards = (left - repeatedFinals) / 2;
        int repeated = left - repeatedFinals - backwards;
        java.util.Collections.shuffle(finals, random);
        java.util.Collections.shuffle(laterTokens, random);
        for (int[] at : finals.subList(0, repeatedFinals)) {
            ConsumerRecord<byte[], byte[]> r = log.get(at[0]).get(at[1]);
            out.add(new Hostile(at[0], at[1], r.key(), r.value(), "STEP_REPEATED"));
        }
        for (int[] at : laterTokens.subList(0, repeated)) {
            ConsumerRecord<byte[], byte[]> r = log.get(at[0]).get(at[1]);
            out.add(new Hostile(at[0], at[1], r.key(), r.value(), "STEP_REPEATED"));
        }
        for (int[] at : laterTokens.subList(repeated, repeated + backwards)) {
            ConsumerRecord<byte[], byte[]> r = log.get(at[0]).get(at[1]);
            TokenEvent t = decoded(Codecs.TOKEN_EVENT.decode(r.value()));
            t.setStep(previousStep.get(at[0] + ":" + at[1]) - 1);
            out.add(new Hostile(at[0], at[1], r.key(), Codecs.TOKEN_EVENT.encode(t), "STEP_BACKWARDS"));
        }
        return out;
    }

    private static Hostile hostileToken(
            String kind, int p, int after, ConsumerRecord<byte[], byte[]> template, Random random) {
        TokenEvent t = decoded(Codecs.TOKEN_EVENT.decode(template.value()));
        byte[] key = template.key();
        return switch (kind) {
            case "garbage" -> new Hostile(p, after, key, garbage(random, 12 + random.nextInt(200)), "BAD_MARKER");
            case "empty" -> new Hostile(p, after, key, new byte[0], "EMPTY");
            case "too-short" -> new Hostile(p, after, key, new byte[] {(byte) 0xC3, 0x01, 5}, "TOO_SHORT");
            case "unknown-fingerprint" -> {
                byte[] bytes = Codecs.TOKEN_EVENT.encode(t);
                bytes[2] ^= (byte) 0xFF;
                yield new Hostile(p, after, key, bytes, "UNKNOWN_FINGERPRINT");
            }
            case "wrong-record" -> new Hostile(p, after, key, Codecs.RANK_STEP.encode(rankStepLike(t)), "WRONG_RECORD");
            case "truncated" -> {
                byte[] bytes = Codecs.TOKEN_EVENT.encode(t);
                yield new Hostile(
                        p, after, key, Arrays.copyOf(bytes, 10 + random.nextInt(bytes.length - 12)), "CORRUPT_BODY");
            }
            case "rank-1e8" -> {
                t.setRank(100_000_000);
                // A cluster with a configured roster names its own bound.
                yield token(
                        p,
                        after,
                        key,
                        t,
                        SETTINGS.roster().containsKey(t.getClusterId()) ? "RANK_OUTSIDE_ROSTER" : "RANK_OVER_LIMIT");
            }
            case "negative-rank" -> {
                t.setRank(-1 - random.nextInt(1000));
                yield token(p, after, key, t, "RANK_OUTSIDE_ROSTER");
            }
            case "outside-roster" -> {
                t.setClusterId("tok-0");
                t.setRank(4 + random.nextInt(4000));
                yield token(p, after, key, t, "RANK_OUTSIDE_ROSTER");
            }
            case "context-1e12" -> {
                t.setContextTokens(1_000_000_000_000L);
                yield token(p, after, key, t, "TOKENS_OVER_LIMIT");
            }
            case "negative-context" -> {
                t.setContextTokens(-1 - random.nextInt(1_000_000));
                yield token(p, after, key, t, "NEGATIVE_COUNT");
            }
            case "zero-context" -> {
                t.setContextTokens(0L);
                yield token(p, after, key, t, "ABSURD_COUNT");
            }
            case "step-0" -> {
                t.setStep(-random.nextInt(3));
                yield token(p, after, key, t, "BAD_STEP");
            }
            case "empty-cluster" -> {
                t.setClusterId("");
                yield token(p, after, key, t, "EMPTY_CLUSTER_ID");
            }
            case "empty-request" -> {
                t.setRequestId("");
                yield token(p, after, key, t, "EMPTY_REQUEST_ID");
            }
            case "cluster-200kb" -> {
                t.setClusterId("c".repeat(200 * 1024));
                yield token(p, after, key, t, "ID_TOO_LONG");
            }
            case "request-200kb" -> {
                t.setRequestId("r".repeat(200 * 1024));
                yield token(p, after, key, t, "ID_TOO_LONG");
            }
            case "request-300-chars" -> {
                t.setRequestId(t.getRequestId() + "x".repeat(300));
                yield token(p, after, key, t, "ID_TOO_LONG");
            }
            case "key-400kb" ->
                new Hostile(
                        p,
                        after,
                        "k".repeat(400 * 1024).getBytes(StandardCharsets.UTF_8),
                        Codecs.TOKEN_EVENT.encode(t),
                        "KEY_TOO_LONG");
            case "key-2kb" ->
                new Hostile(
                        p,
                        after,
                        "k".repeat(2048).getBytes(StandardCharsets.UTF_8),
                        Codecs.TOKEN_EVENT.encode(t),
                        "KEY_TOO_LONG");
            case "one-mb" ->
                new Hostile(
                        p,
                        after,
                        "h".repeat(400 * 1024).getBytes(StandardCharsets.UTF_8),
                        new byte[600 * 1024],
                        "BAD_MARKER");
            case "year-2100" -> {
                t.setEventTime(Instant.ofEpochMilli(YEAR_2100 + random.nextInt(1_000_000)));
                yield token(p, after, key, t, "EVENT_TIME_IN_FUTURE");
            }
            default -> throw new IllegalArgumentException(kind);
        };
    }

    private static List<Hostile> hostileRankSteps(List<List<ConsumerRecord<byte[], byte[]>>> log, Random random) {
        List<Hostile> out = new ArrayList<>();
        Map<String, Integer> kinds = new LinkedHashMap<>();
        kinds.put("garbage", 60);
        kinds.put("truncated", 60);
        kinds.put("wrong-record", 60);
        kinds.put("rank-1e8", 80);
        kinds.put("negative-rank", 50);
        kinds.put("negative-running", 60);
        kinds.put("negative-kv", 60);
        kinds.put("kv-1e12", 80);
        kinds.put("running-1e8", 60);
        kinds.put("negative-compute", 50);
        kinds.put("negative-step-micros", 50);
        kinds.put("step-0", 50);
        kinds.put("year-2100", 80);
        kinds.put("empty-cluster", 50);
        kinds.put("cluster-200kb", 5);
        kinds.put("cluster-300-chars", 45);
        kinds.put("repeated", 100);
        List<String> repeatedAt = new ArrayList<>();
        for (var kind : kinds.entrySet()) {
            for (int i = 0; i < kind.getValue(); i++) {
                int p = random.nextInt(PARTITIONS);
                int after = random.nextInt(log.get(p).size());
                if (kind.getKey().equals("repeated")) {
                    // One repeat of a record: a second one would be a repeat of a repeat.
                    while (repeatedAt.contains(p + ":" + after)) {
                        after = random.nextInt(log.get(p).size());
                    }
                    repeatedAt.add(p + ":" + after);
                }
                out.add(hostileRankStep(kind.getKey(), p, after, log.get(p).get(after), random));
            }
        }
        return out;
    }

    private static Hostile hostileRankStep(
            String kind, int p, int after, ConsumerRecord<byte[], byte[]> template, Random random) {
        RankStep r = decoded(Codecs.RANK_STEP.decode(template.value()));
        byte[] key = template.key();
        switch (kind) {
            case "garbage":
                return new Hostile(p, after, key, garbage(random, 12 + random.nextInt(200)), "BAD_MARKER");
            case "truncated": {
                byte[] bytes = Codecs.RANK_STEP.encode(r);
                return new Hostile(
                        p, after, key, Arrays.copyOf(bytes, 10 + random.nextInt(bytes.length - 12)), "CORRUPT_BODY");
            }
            case "wrong-record":
                return new Hostile(
                        p,
                        after,
                        key,
                        Codecs.TOKEN_EVENT.encode(LogFixtures.token(
                                r.getClusterId(),
                                r.getRank(),
                                r.getStep(),
                                "req",
                                r.getStepStart().toEpochMilli(),
                                10,
                                false)),
                        "WRONG_RECORD");
            case "rank-1e8":
                r.setRank(100_000_000);
                return rankStep(p, after, key, r, "RANK_OVER_LIMIT");
            case "negative-rank":
                r.setRank(-1);
                return rankStep(p, after, key, r, "RANK_OUTSIDE_ROSTER");
            case "negative-running":
                r.setRunning(-1 - random.nextInt(100));
                return rankStep(p, after, key, r, "NEGATIVE_COUNT");
            case "negative-kv":
                r.setKvTokens(-1L - random.nextInt(100));
                return rankStep(p, after, key, r, "NEGATIVE_COUNT");
            case "kv-1e12":
                r.setKvTokens(1_000_000_000_000L);
                return rankStep(p, after, key, r, "TOKENS_OVER_LIMIT");
            case "running-1e8":
                r.setRunning(100_000_000);
                return rankStep(p, after, key, r, "TOKENS_OVER_LIMIT");
            case "negative-compute":
                r.setComputeMicros(-5L);
                return rankStep(p, after, key, r, "NEGATIVE_COUNT");
            case "negative-step-micros":
                r.setStepMicros(-5L);
                return rankStep(p, after, key, r, "NEGATIVE_COUNT");
            case "step-0":
                r.setStep(0L);
                return rankStep(p, after, key, r, "BAD_STEP");
            case "year-2100":
                r.setStepStart(Instant.ofEpochMilli(YEAR_2100));
                return rankStep(p, after, key, r, "EVENT_TIME_IN_FUTURE");
            case "empty-cluster":
                r.setClusterId("");
                return rankStep(p, after, key, r, "EMPTY_CLUSTER_ID");
            case "cluster-200kb":
                r.setClusterId("c".repeat(200 * 1024));
                return rankStep(p, after, key, r, "ID_TOO_LONG");
            case "cluster-300-chars":
                r.setClusterId("c".repeat(300));
                return rankStep(p, after, key, r, "ID_TOO_LONG");
            case "repeated":
                return new Hostile(p, after, key, template.value(), "RANK_STEP_REPEATED");
            default:
                throw new IllegalArgumentException(kind);
        }
    }

    private static Hostile token(int p, int after, byte[] key, TokenEvent t, String reason) {
        return new Hostile(p, after, key, Codecs.TOKEN_EVENT.encode(t), reason);
    }

    private static Hostile rankStep(int p, int after, byte[] key, RankStep r, String reason) {
        return new Hostile(p, after, key, Codecs.RANK_STEP.encode(r), reason);
    }

    private static RankStep rankStepLike(TokenEvent t) {
        return LogFixtures.rankStep(
                t.getClusterId(),
                t.getRank(),
                t.getStep(),
                t.getEventTime().toEpochMilli(),
                1,
                t.getContextTokens(),
                null,
                null);
    }

    /** Random bytes that do not start with the single-object marker (12 bytes or more: fewer are TOO_SHORT). */
    private static byte[] garbage(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        bytes[0] = (byte) (bytes[0] == (byte) 0xC3 ? 0 : bytes[0]);
        return bytes;
    }

    // ---- producing, running, reading ----

    private static List<List<ConsumerRecord<byte[], byte[]>>> byPartition(List<ConsumerRecord<byte[], byte[]>> all) {
        List<List<ConsumerRecord<byte[], byte[]>>> out = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            out.add(new ArrayList<>());
        }
        all.forEach(r -> out.get(r.partition()).add(r));
        out.forEach(records ->
                assertThat(records).as("valid records of a partition").isNotEmpty());
        return out;
    }

    /**
     * Writes the valid log to {@code topic}, partition for partition, each hostile record right after the valid record
     * it was placed after.
     *
     * @return the reason expected for each hostile record, by "topic/partition@offset"
     */
    private static Map<String, String> produceMix(
            String topic, List<List<ConsumerRecord<byte[], byte[]>>> log, List<Hostile> hostile) throws Exception {
        Map<Integer, Map<Integer, List<Hostile>>> placed = new HashMap<>();
        hostile.forEach(h -> placed.computeIfAbsent(h.partition, p -> new HashMap<>())
                .computeIfAbsent(h.after, i -> new ArrayList<>())
                .add(h));
        Map<Future<RecordMetadata>, String> sent = new LinkedHashMap<>();
        try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer()) {
            for (int p = 0; p < PARTITIONS; p++) {
                for (int i = 0; i < log.get(p).size(); i++) {
                    ConsumerRecord<byte[], byte[]> r = log.get(p).get(i);
                    producer.send(new ProducerRecord<>(topic, p, r.key(), r.value()));
                    for (Hostile h : placed.getOrDefault(p, Map.of()).getOrDefault(i, List.of())) {
                        sent.put(producer.send(new ProducerRecord<>(topic, p, h.key, h.value)), h.reason);
                    }
                }
            }
            producer.flush();
        }
        Map<String, String> reasons = new HashMap<>();
        for (var entry : sent.entrySet()) {
            RecordMetadata m = entry.getKey().get(30, TimeUnit.SECONDS);
            reasons.put(m.topic() + "/" + m.partition() + "@" + m.offset(), entry.getValue());
        }
        return reasons;
    }

    /** The job over the run's input (clean. or mix.), exactly-once, with no restart: a failure fails the test. */
    private static void run(String run) throws Exception {
        String in = run + ".";
        String out = "out." + run + ".";
        KAFKA.createTopics(PARTITIONS, out + "dp.step-metrics", out + "dp.window-metrics", out + "dp.dead-letter");
        Configuration config = new Configuration();
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        config.set(PipelineOptions.AUTO_WATERMARK_INTERVAL, Duration.ofMillis(50));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(2);
        env.enableCheckpointing(500, CheckpointingMode.EXACTLY_ONCE);
        String bootstrap = KAFKA.bootstrapServers();
        KafkaSource<InputRecord<TokenEvent>> tokens = KafkaConnectors.source(
                bootstrap,
                in + "dp.token-events",
                out + "tokens",
                OffsetsInitializer.earliest(),
                true,
                new Properties(),
                TraceAnalyticsJob.tokenEventDecoder(SETTINGS));
        KafkaSource<InputRecord<RankStep>> rankSteps = KafkaConnectors.source(
                bootstrap,
                in + "dp.rank-steps",
                out + "rank-steps",
                OffsetsInitializer.earliest(),
                true,
                new Properties(),
                TraceAnalyticsJob.rankStepDecoder(SETTINGS));
        TraceAnalyticsJob.defineWorkflow(
                env,
                SETTINGS,
                tokens,
                rankSteps,
                SinkApplier.of(KafkaConnectors.sink(
                        bootstrap,
                        out + "dp.step-metrics",
                        StepMetrics.class,
                        DeliveryGuarantee.EXACTLY_ONCE,
                        out + "step",
                        Duration.ofMinutes(5).toMillis(),
                        new Properties())),
                SinkApplier.of(KafkaConnectors.sink(
                        bootstrap,
                        out + "dp.window-metrics",
                        WindowMetrics.class,
                        DeliveryGuarantee.EXACTLY_ONCE,
                        out + "window",
                        Duration.ofMinutes(5).toMillis(),
                        new Properties())),
                SinkApplier.of(KafkaConnectors.sink(
                        bootstrap,
                        out + "dp.dead-letter",
                        DeadLetter.class,
                        DeliveryGuarantee.EXACTLY_ONCE,
                        out + "dead",
                        Duration.ofMinutes(5).toMillis(),
                        new Properties())));
        // A job that stalls (a roster of 1e8 ranks) fails the test after 5 minutes instead of hanging it.
        JobClient client = env.executeAsync("hostile records " + run);
        JobExecutionResult result = client.getJobExecutionResult().get(5, TimeUnit.MINUTES);
        assertThat(result.getJobID()).isNotNull();
    }

    /** Every committed record of the topic as base64 key and value, sorted: a byte-for-byte comparable multiset. */
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
