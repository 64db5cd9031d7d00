package io.dpbalance.datagen.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpbalance.datagen.CommandRun;
import java.io.IOException;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** The topics commands' flag checks and error messages; none of these needs a broker. */
class TopicsCommandTest {

    @Test
    void helpNamesEverySubcommandAndFlag() {
        assertThat(CommandRun.of("topics", "--help").out()).contains("create", "list", "describe");
        CommandRun create = CommandRun.of("topics", "create", "--help");
        assertThat(create.exit()).isZero();
        assertThat(create.out())
                .contains(
                        "--bootstrap",
                        "--command-config",
                        "--timeout",
                        "--partitions",
                        "--partitions-for",
                        "--replication-factor",
                        "--prefix");
    }

    @Test
    void rejectsPartitionsForATopicOutsideTheSpec() {
        CommandRun r = CommandRun.of("topics", "create", "--partitions-for", "dp.tokens=3");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("'dp.tokens' is not a spec topic", "dp.token-events");
    }

    @Test
    void rejectsNonPositivePartitionCounts() {
        assertThat(CommandRun.of("topics", "create", "--partitions", "0").err())
                .contains("--partitions must be at least 1, not 0");
        assertThat(CommandRun.of("topics", "create", "--partitions-for", "dp.requests=-1")
                        .err())
                .contains("--partitions-for dp.requests must be at least 1, not -1");
    }

    @Test
    void unreadableCommandConfigIsNamed() {
        CommandRun r = CommandRun.of("topics", "list", "--command-config", "/nonexistent/client.properties");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--command-config: cannot read /nonexistent/client.properties");
    }

    @Test
    void unreachableClusterSaysWhereItLookedAndHowToStartOne() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        CommandRun r = CommandRun.of("topics", "list", "--bootstrap", "127.0.0.1:" + closedPort, "--timeout", "1");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err())
                .contains(
                        "no answer from Kafka at 127.0.0.1:" + closedPort + " within 1 s", "bin/dpbalance kafka start");
    }
}
