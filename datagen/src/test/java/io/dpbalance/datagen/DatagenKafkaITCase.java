package io.dpbalance.datagen;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpbalance.datagen.generate.GenerationResult;
import io.dpbalance.schemas.Codecs;
import io.dpbalance.schemas.DecodeResult;
import io.dpbalance.schemas.RankStep;
import io.dpbalance.schemas.RequestArrival;
import io.dpbalance.schemas.TokenEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * datagen against a real single-node KRaft cluster started inside the test JVM: what it reports is what a consumer
 * reads back, every value decodes with the schemas codec, keys are those of docs/design.md §6 and each key's records keep their
 * order. Each test works under a topic prefix of its own.
 */
class DatagenKafkaITCase {

    private static final String WORKLOAD =
            "n=400;arrival=poisson:rate=50;prompt=lognormal:mean=600,sigma=1,max=8000;output=geometric:mean=40;seed=11";

    private static KafkaClusterTestKit cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                        .setCombined(true)
                        .setNumBrokerNodes(1)
                        .setNumControllerNodes(1)
                        .build())
                .setConfigProp("auto.create.topics.enable", "false")
                .build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static CommandRun datagen(String... args) {
        List<String> all = new ArrayList<>(List.of("datagen"));
        all.addAll(List.of(args));
        all.addAll(List.of("--bootstrap", cluster.bootstrapServers()));
        return CommandRun.of(all.toArray(String[]::new));
    }

    private static void createTopics(String prefix) {
        CommandRun created = CommandRun.of(
                "topics", "create", "--prefix", prefix, "--partitions", "3", "--bootstrap", cluster.bootstrapServers());
        assertThat(created.exit()).as(created.err()).isZero();
    }

    /** Every record of the topic, partition by partition in offset order, once {@code count} have arrived. */
    private static List<ConsumerRecord<byte[], byte[]>> drain(String topic, long count) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                cluster.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false);
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (records.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            // Anything beyond the reported count would be a duplicate: read what else is there.
            consumer.poll(Duration.ofMillis(500)).forEach(records::add);
        }
        return records;
    }

    private static String key(ConsumerRecord<byte[], byte[]> record) {
        return new String(record.key(), StandardCharsets.UTF_8);
    }

    private static <T extends SpecificRecord> T decoded(ConsumerRecord<byte[], byte[]> record, Class<T> type) {
        DecodeResult<T> result = Codecs.codec(type).decode(record.value());
        assertThat(result.isDecoded())
                .as("%s-%d@%d: %s", record.topic(), record.partition(), record.offset(), result)
                .isTrue();
        return ((DecodeResult.Decoded<T>) result).value();
    }

    @Test
    void decodeLogConsumedBackMatchesTheReportedCountsDecodesAndKeepsPerKeyOrder() {
        createTopics("log.");
        CommandRun run = datagen(
                "decode-log",
                "--synthetic",
                WORKLOAD,
                "--ranks",
                "4",
                "--batch",
                "8",
                "--clusters",
                "2",
                "--jitter",
                "0.1",
                "--topic-prefix",
                "log.",
                "--as-fast-as-possible");
        assertThat(run.exit()).as(run.err()).isZero();
        GenerationResult result = (GenerationResult) run.result();
        assertThat(result.records("log.dp.requests")).isEqualTo(2 * 2 * 400);

        List<ConsumerRecord<byte[], byte[]>> requests = drain("log.dp.requests", result.records("log.dp.requests"));
        List<ConsumerRecord<byte[], byte[]>> tokens =
                drain("log.dp.token-events", result.records("log.dp.token-events"));
        List<ConsumerRecord<byte[], byte[]>> steps = drain("log.dp.rank-steps", result.records("log.dp.rank-steps"));
        assertThat((long) requests.size()).isEqualTo(result.records("log.dp.requests"));
        assertThat((long) tokens.size())
                .isEqualTo(result.records("log.dp.token-events"))
                .isPositive();
        assertThat((long) steps.size())
                .isEqualTo(result.records("log.dp.rank-steps"))
                .isPositive();

        for (ConsumerRecord<byte[], byte[]> r : requests) {
            assertThat(key(r)).isEqualTo(decoded(r, RequestArrival.class).getClusterId());
        }
        Map<String, Long> lastStep = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : tokens) {
            TokenEvent t = decoded(r, TokenEvent.class);
            assertThat(key(r)).isEqualTo(t.getClusterId() + "/" + t.getRank());
            assertThat(t.getStep())
                    .as("steps of %s in offset order", key(r))
                    .isGreaterThanOrEqualTo(lastStep.getOrDefault(key(r), 0L));
            lastStep.put(key(r), t.getStep());
        }
        lastStep.clear();
        for (ConsumerRecord<byte[], byte[]> r : steps) {
            RankStep s = decoded(r, RankStep.class);
            assertThat(key(r)).isEqualTo(s.getClusterId() + "/" + s.getRank());
            assertThat(s.getStep())
                    .as("steps of %s in offset order", key(r))
                    .isEqualTo(lastStep.getOrDefault(key(r), 0L) + 1);
            lastStep.put(key(r), s.getStep());
        }
        assertThat(lastStep.keySet()).hasSize(2 * 4);
    }

    @Test
    void pacedSynthStampsArrivalsFromNowAndSendsEachWhenItIsDue() {
        createTopics("paced.");
        Instant before = Instant.now();
        CommandRun run = datagen(
                "synth",
                "--synthetic",
                "n=10;arrival=poisson:rate=5;prompt=constant:value=100;output=constant:value=10;seed=2",
                "--topic-prefix",
                "paced.");
        assertThat(run.exit()).as(run.err()).isZero();
        Instant after = Instant.now();

        List<ConsumerRecord<byte[], byte[]>> records = drain("paced.dp.requests", 10);
        assertThat(records).hasSize(10);
        List<Instant> arrivals = records.stream()
                .map(r -> decoded(r, RequestArrival.class).getArrivalTime())
                .toList();
        assertThat(Duration.between(arrivals.get(0), arrivals.get(9)))
                .as("the workload's span")
                .isGreaterThan(Duration.ofSeconds(1));
        for (ConsumerRecord<byte[], byte[]> r : records) {
            Instant arrival = decoded(r, RequestArrival.class).getArrivalTime();
            assertThat(arrival).isBetween(before.minusSeconds(1), after);
            // The record's timestamp is when the producer took it: when it was due, not held back to the end.
            assertThat(Instant.ofEpochMilli(r.timestamp()))
                    .as("sent when due")
                    .isBetween(arrival.minusMillis(50), arrival.plusMillis(500));
        }
    }

    @Test
    void missingTopicsAreNamedWithHowToCreateThem() {
        CommandRun run =
                datagen("synth", "--synthetic", WORKLOAD, "--topic-prefix", "absent.", "--as-fast-as-possible");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err())
                .contains("topics [absent.dp.requests] do not exist", "bin/dpbalance topics create --prefix absent.");
    }

    @Test
    void aRecordTheBrokerRefusesStopsTheRunNamingTheTopic() throws Exception {
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()))) {
            // Smaller than any batch: the broker refuses every record.
            admin.createTopics(List.of(new NewTopic("refuse.dp.requests", 1, (short) 1)
                            .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "64"))))
                    .all()
                    .get();
        }
        CommandRun run =
                datagen("synth", "--synthetic", WORKLOAD, "--topic-prefix", "refuse.", "--as-fast-as-possible");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("refused a record of refuse.dp.requests");
    }

    @Test
    void tailPrintsTheLastRecordsAsJsonLines() {
        createTopics("tail.");
        assertThat(datagen("synth", "--synthetic", WORKLOAD, "--topic-prefix", "tail.", "--as-fast-as-possible")
                        .exit())
                .isZero();

        CommandRun last = datagen("tail", "--topic", "tail.dp.requests", "--max", "5");
        assertThat(last.exit()).as(last.err()).isZero();
        assertThat(last.out().lines())
                .hasSize(5)
                .allSatisfy(l -> assertThat(l).startsWith("{\"cluster_id\":\"cluster-0\",\"request_id\":\"synthetic-"));
        CommandRun first = datagen("tail", "--topic", "tail.dp.requests", "--max", "3", "--from-beginning");
        assertThat(first.out().lines()).hasSize(3).first().asString().contains("\"request_id\":\"synthetic-0\"");
    }

    @Test
    void ingestSendsRankStepsAndDeadLettersWithTheLineAsPayload() throws Exception {
        createTopics("ing.");
        java.nio.file.Path log = java.nio.file.Files.createTempFile("sglang", ".log");
        String bad = "[2026-03-17 17:35:08 DP1 TP1] Decode batch, #running-req: 3, #tok";
        java.nio.file.Files.writeString(
                log,
                String.join(
                                "\n",
                                "[2026-03-17 17:35:07 DP0 TP0] Decode batch, #running-req: 2, #token: 200, token usage: 0.00",
                                "[2026-03-17 17:35:07] INFO:     127.0.0.1:1 - \"POST /generate HTTP/1.1\" 200 OK",
                                "[2026-03-17 17:35:07 DP1 TP1] Decode batch, #running-req: 3, #token: 300, token usage: 0.00",
                                bad)
                        + "\n");
        CommandRun run = CommandRun.of(
                "ingest",
                "sglang-log",
                log.toString(),
                "--cluster",
                "prod-a",
                "--topic-prefix",
                "ing.",
                "--bootstrap",
                cluster.bootstrapServers());
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("rank-steps written               2")
                .contains("rejected MISSING_FIELD")
                .contains("skipped NOT_DECODE_LINE          1");
        List<ConsumerRecord<byte[], byte[]>> steps = drain("ing.dp.rank-steps", 2);
        assertThat(steps).extracting(DatagenKafkaITCase::key).containsExactlyInAnyOrder("prod-a/0", "prod-a/1");
        assertThat(steps)
                .extracting(r -> decoded(r, RankStep.class).getKvTokens())
                .containsExactlyInAnyOrder(200L, 300L);
        List<ConsumerRecord<byte[], byte[]>> dead = drain("ing.dp.dead-letter", 1);
        assertThat(dead).hasSize(1);
        io.dpbalance.schemas.DeadLetter letter = decoded(dead.get(0), io.dpbalance.schemas.DeadLetter.class);
        assertThat(key(dead.get(0))).isEqualTo("prod-a");
        assertThat(StandardCharsets.UTF_8.decode(letter.getPayload()).toString())
                .isEqualTo(bad);
        assertThat(letter.getReason().toString()).startsWith("MISSING_FIELD");
        assertThat(letter.getOffset()).isEqualTo(3);
    }

    @Test
    void ingestFollowingAGrowingLogSendsAppendedLinesToKafkaWhileItRuns() throws Exception {
        createTopics("fol.");
        java.nio.file.Path log = java.nio.file.Files.createTempFile("sglang", ".log");
        io.dpbalance.datagen.sink.RecordSink sink = io.dpbalance.datagen.kafka.KafkaRecordSink.open(
                io.dpbalance.datagen.kafka.KafkaOptions.of(cluster.bootstrapServers()),
                "fol.",
                io.dpbalance.datagen.ingest.Ingestor.topics(),
                Map.of());
        io.dpbalance.datagen.ingest.Ingestor ingestor = new io.dpbalance.datagen.ingest.Ingestor(
                "c",
                new io.dpbalance.datagen.ingest.SglangLogParser(
                        new io.dpbalance.datagen.ingest.IngestSettings(java.time.ZoneOffset.UTC, null, null)),
                new io.dpbalance.datagen.ingest.StepNumbering(io.dpbalance.datagen.ingest.LogFormat.SGLANG_LOG, 40, 5),
                sink,
                java.time.Clock.systemUTC());
        io.dpbalance.datagen.ingest.IngestRun run =
                new io.dpbalance.datagen.ingest.IngestRun(List.of(log), ingestor, true, 20);
        Thread follower = new Thread(run::run, "follow");
        follower.start();
        try {
            java.nio.file.Files.writeString(
                    log,
                    "[2026-03-17 17:35:07 DP0 TP0] Decode batch, #running-req: 1, "
                            + "#token: 111, token usage: 0.00\n",
                    java.nio.file.StandardOpenOption.APPEND);
            List<ConsumerRecord<byte[], byte[]>> steps = drain("fol.dp.rank-steps", 1);
            assertThat(steps)
                    .as("a line appended while ingest runs reaches Kafka before ingest ends")
                    .hasSize(1);
            assertThat(decoded(steps.get(0), RankStep.class).getKvTokens()).isEqualTo(111L);
        } finally {
            run.stop(10_000);
            follower.join(10_000);
            sink.close();
        }
    }
}
