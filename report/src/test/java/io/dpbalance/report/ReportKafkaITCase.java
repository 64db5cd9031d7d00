package io.dpbalance.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dpbalance.schemas.Codecs;
import io.dpbalance.schemas.StepMetrics;
import io.dpbalance.schemas.WindowMetrics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@link ReportData#fromKafka} against a real broker (KRaft, from Maven jars): committed records only, to the end. */
class ReportKafkaITCase {

    private static KafkaClusterTestKit cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                        .setCombined(true)
                        .setNumBrokerNodes(1)
                        .setNumControllerNodes(1)
                        .build())
                .setConfigProp("auto.create.topics.enable", "false")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
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

    private static void createTopics(String prefix, String... topics) throws Exception {
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()))) {
            admin.createTopics(java.util.Arrays.stream(topics)
                            .map(t -> new NewTopic(prefix + t, 2, (short) 1))
                            .toList())
                    .all()
                    .get();
        }
    }

    private static KafkaProducer<byte[], byte[]> producer(String transactionalId) {
        Properties props = new Properties();
        props.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        props.setProperty(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        producer.initTransactions();
        return producer;
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, String cluster, byte[] value) {
        return new ProducerRecord<>(topic, cluster.getBytes(StandardCharsets.UTF_8), value);
    }

    @Test
    void readsCommittedRecordsUpToTheEndAndNotesWhatItSkipped() throws Exception {
        String prefix = "committed.";
        createTopics(prefix, "dp.step-metrics", "dp.window-metrics", "dp.assignments");
        try (KafkaProducer<byte[], byte[]> committed = producer("report-it-1");
                KafkaProducer<byte[], byte[]> aborted = producer("report-it-2");
                KafkaProducer<byte[], byte[]> open = producer("report-it-3")) {
            committed.beginTransaction();
            for (StepMetrics m : Fixtures.steps()) {
                committed.send(record(prefix + "dp.step-metrics", m.getClusterId(), Codecs.STEP_METRICS.encode(m)));
            }
            for (WindowMetrics w : Fixtures.windows()) {
                committed.send(record(prefix + "dp.window-metrics", w.getClusterId(), Codecs.WINDOW_METRICS.encode(w)));
            }
            committed.send(record(prefix + "dp.window-metrics", "c1", "not avro".getBytes(StandardCharsets.UTF_8)));
            committed.send(record(
                    prefix + "dp.assignments",
                    "c1",
                    Codecs.ASSIGNMENT.encode(Fixtures.assignment("c1", "bfio", "r1", 2))));
            committed.commitTransaction();

            aborted.beginTransaction();
            aborted.send(record(
                    prefix + "dp.step-metrics",
                    "c1",
                    Codecs.STEP_METRICS.encode(Fixtures.step("c1", "aborted", 1, 0, 1, 0.5, 1, 1, 1))));
            aborted.flush();
            aborted.abortTransaction();

            open.beginTransaction();
            open.send(record(
                    prefix + "dp.step-metrics",
                    "c1",
                    Codecs.STEP_METRICS.encode(Fixtures.step("c1", "open", 1, 0, 1, 0.5, 1, 1, 1))));
            open.flush();

            ReportData data = ReportData.fromKafka(cluster.bootstrapServers(), prefix, Duration.ofSeconds(30));

            assertThat(data.stepMetrics()).containsExactlyInAnyOrderElementsOf(Fixtures.steps());
            assertThat(data.windowMetrics()).containsExactlyInAnyOrderElementsOf(Fixtures.windows());
            assertThat(data.assignments())
                    .singleElement()
                    .extracting(a -> a.getRank())
                    .isEqualTo(2);
            assertThat(data.notes())
                    .containsExactlyInAnyOrder(
                            "topic " + prefix + "dp.rank-steps does not exist on " + cluster.bootstrapServers(),
                            "1 records of " + prefix + "dp.window-metrics did not decode and are not shown");
            open.abortTransaction();
        }
    }

    @Test
    void commandReadsTheTopicsWithThePrefix() throws Exception {
        String prefix = "cmd.";
        createTopics(prefix, "dp.step-metrics", "dp.window-metrics", "dp.assignments", "dp.rank-steps");
        try (KafkaProducer<byte[], byte[]> producer = producer("report-it-4")) {
            producer.beginTransaction();
            for (StepMetrics m : Fixtures.steps()) {
                producer.send(record(prefix + "dp.step-metrics", m.getClusterId(), Codecs.STEP_METRICS.encode(m)));
            }
            producer.commitTransaction();
        }
        java.nio.file.Path html =
                java.nio.file.Files.createTempDirectory("report-it").resolve("r.html");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = ReportCommand.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));

        int exit = cli.execute(
                "--bootstrap", cluster.bootstrapServers(), "--topic-prefix", prefix, "--out", html.toString());

        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString()).contains("cluster c1:").contains("HTML report: " + html);
        assertThat(out.toString()
                        .lines()
                        .filter(l -> l.startsWith("observed "))
                        .findFirst()
                        .orElseThrow()
                        .trim()
                        .split("\\s+"))
                .startsWith("observed", "3", "0.2000");
    }

    @Test
    void unreachableClusterFailsWithinTheTimeout() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String bootstrap = "127.0.0.1:" + port;

        assertThatThrownBy(() -> ReportData.fromKafka(bootstrap, "", Duration.ofSeconds(2)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("reading the report's topics from " + bootstrap + " failed");
    }

    @Test
    void noTopicsIsNotAnError() {
        ReportData data = ReportData.fromKafka(cluster.bootstrapServers(), "absent.", Duration.ofSeconds(10));

        assertThat(data.isEmpty()).isTrue();
        assertThat(data.notes()).hasSize(4).allMatch(n -> n.startsWith("topic absent.dp."));
        assertThat(List.of(TerminalTable.render(data).split("\n"))).first().isEqualTo("no records in the inputs");
    }
}
