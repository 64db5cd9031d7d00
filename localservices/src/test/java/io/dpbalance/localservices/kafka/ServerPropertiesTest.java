package io.dpbalance.localservices.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class ServerPropertiesTest {

    private static Properties parse(String text) throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(text));
        return p;
    }

    @Test
    void configuresOneCombinedNodeOnLoopbackOnly() throws IOException {
        Properties p = parse(ServerProperties.render(Path.of("/data/kafka"), 19092, 19093));

        assertThat(p)
                .containsEntry("process.roles", "broker,controller")
                .containsEntry("node.id", "1")
                .containsEntry("controller.quorum.voters", "1@127.0.0.1:19093")
                .containsEntry("listeners", "PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093")
                .containsEntry("advertised.listeners", "PLAINTEXT://127.0.0.1:19092")
                .containsEntry("log.dirs", "/data/kafka");
    }

    @Test
    void internalTopicsFitOneBrokerAndTopicsAreNeverAutoCreated() throws IOException {
        Properties p = parse(ServerProperties.render(Path.of("/d"), 9092, 9093));

        for (String key : new String[] {
            "offsets.topic.replication.factor",
            "transaction.state.log.replication.factor",
            "transaction.state.log.min.isr",
            "share.coordinator.state.topic.replication.factor",
            "share.coordinator.state.topic.min.isr",
            "default.replication.factor"
        }) {
            assertThat(p).containsEntry(key, "1");
        }
        assertThat(p)
                .containsEntry("auto.create.topics.enable", "false")
                .containsEntry("group.initial.rebalance.delay.ms", "0")
                .containsEntry("transaction.max.timeout.ms", "900000");
    }
}
