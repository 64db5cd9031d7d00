package io.dpbalance.datagen.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpbalance.datagen.CommandRun;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The topics commands against a real single-node KRaft cluster started inside the test JVM. Each test works under a
 * topic prefix of its own, so the tests share the cluster without seeing each other's topics.
 */
class TopicsCommandITCase {

    private static KafkaClusterTestKit cluster;
    private static Admin admin;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                        .setCombined(true)
                        .setNumBrokerNodes(1)
                        .setNumControllerNodes(1)
                        .build())
                // As the local broker runs it: a misspelt topic must not spring into existence.
                .setConfigProp("auto.create.topics.enable", "false")
                .build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()));
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (admin != null) {
            admin.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private static CommandRun topics(String... args) {
        String[] all = new String[args.length + 3];
        all[0] = "topics";
        System.arraycopy(args, 0, all, 1, args.length);
        all[args.length + 1] = "--bootstrap";
        all[args.length + 2] = cluster.bootstrapServers();
        return CommandRun.of(all);
    }

    private static Map<String, Integer> partitionCounts(String prefix) throws Exception {
        List<String> names = SpecTopics.ALL.stream().map(t -> prefix + t).toList();
        Map<String, TopicDescription> descriptions =
                admin.describeTopics(names).allTopicNames().get();
        return descriptions.values().stream()
                .collect(Collectors.toMap(
                        TopicDescription::name, d -> d.partitions().size()));
    }

    @Test
    void createsEverySpecTopicWithTheAskedPartitions() throws Exception {
        CommandRun r = topics(
                "create",
                "--prefix",
                "create.",
                "--partitions",
                "3",
                "--partitions-for",
                "dp.token-events=8",
                "--partitions-for",
                "dp.dead-letter=1");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().lines().filter(l -> l.startsWith("created"))).hasSize(7);
        assertThat(r.out()).contains("7 created, 0 already existed");
        assertThat(partitionCounts("create."))
                .containsOnly(
                        Map.entry("create.dp.requests", 3),
                        Map.entry("create.dp.token-events", 8),
                        Map.entry("create.dp.rank-steps", 3),
                        Map.entry("create.dp.step-metrics", 3),
                        Map.entry("create.dp.window-metrics", 3),
                        Map.entry("create.dp.assignments", 3),
                        Map.entry("create.dp.dead-letter", 1));
    }

    @Test
    void secondRunReportsTheTopicsAsExistingAndWarnsAboutOtherPartitionCounts() throws Exception {
        assertThat(topics("create", "--prefix", "again.", "--partitions", "2").exit())
                .isZero();

        CommandRun same = topics("create", "--prefix", "again.", "--partitions", "2");
        assertThat(same.exit()).as(same.err()).isZero();
        assertThat(same.out().lines().filter(l -> l.startsWith("exists"))).hasSize(7);
        assertThat(same.out()).contains("0 created, 7 already existed");
        assertThat(same.err()).isEmpty();

        CommandRun other =
                topics("create", "--prefix", "again.", "--partitions-for", "dp.requests=5", "--partitions", "2");
        assertThat(other.exit()).isZero();
        assertThat(other.err()).contains("warning: again.dp.requests has 2 partitions, not the 5 asked");
        assertThat(partitionCounts("again.")).containsEntry("again.dp.requests", 2);
    }

    @Test
    void prefixKeepsTopicSetsApart() throws Exception {
        assertThat(topics("create", "--prefix", "tenant-a.").exit()).isZero();

        assertThat(partitionCounts("tenant-a.")).hasSize(7).containsValue(4);
        assertThat(admin.listTopics().names().get()).noneMatch(n -> n.startsWith("tenant-b."));
        CommandRun missing = topics("describe", "--prefix", "tenant-b.");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err())
                .contains("7 of 7 topics do not exist", "bin/dpbalance topics create --prefix tenant-b.");
    }

    @Test
    void describeShowsPartitionsAndEndOffsetsAndListShowsTheNames() throws Exception {
        assertThat(topics("create", "--prefix", "seen.", "--partitions", "2").exit())
                .isZero();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()),
                new StringSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>("seen.dp.requests", 1, "cluster-a", "r" + i))
                        .get();
            }
        }

        CommandRun describe = topics("describe", "--prefix", "seen.");
        assertThat(describe.exit()).as(describe.err()).isZero();
        assertThat(describe.out().lines())
                .anySatisfy(
                        l -> assertThat(l.split("\\s+")).containsExactly("seen.dp.requests", "2", "1", "3", "0", "3"))
                .anySatisfy(l ->
                        assertThat(l.split("\\s+")).containsExactly("seen.dp.dead-letter", "2", "1", "0", "0", "0"));

        assertThat(topics("list").out().lines()).contains("seen.dp.requests", "seen.dp.dead-letter");
    }
}
