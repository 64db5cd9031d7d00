package io.dpbalance.jobs.shadow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dpbalance.jobs.common.BrokerPreflight;
import io.dpbalance.jobs.common.JobOptions;
import io.dpbalance.jobs.testing.KafkaBrokerExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Bad security settings stop a run with a clear error, once, before any job starts: the shadow job (the analytics job
 * shares JobOptions) is run with --kafka-properties the broker (PLAINTEXT only) refuses; the run ends within the
 * pre-flight bound with an error that names the flag and carries Kafka's own message. Before the check, an embedded run
 * failed with a bare Kafka message naming no flag ("shadow scheduling failed: Failed to construct kafka consumer"), and
 * a --jobmanager submission was not checked at all: its job failed and restarted for ever on the cluster.
 */
@Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // before the check, each run never ended
class KafkaSecuritySettingsITCase {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    /** Runs the shadow job's command with these Kafka client properties; returns how long it took to fail. */
    private static Duration runWith(Path dir, String properties, String... expected) throws Exception {
        KAFKA.createTopics(1, "sec" + Math.abs(properties.hashCode()) + ".dp.requests");
        Path file = Files.writeString(dir.resolve("client.properties"), properties);
        ShadowSchedulerJob job = new ShadowSchedulerJob();
        new CommandLine(job)
                .parseArgs(
                        "--bootstrap",
                        KAFKA.bootstrapServers(),
                        "--kafka-properties",
                        file.toString(),
                        "--prefix",
                        "sec" + Math.abs(properties.hashCode()) + ".",
                        "--checkpoint-dir",
                        dir.resolve("checkpoints").toUri().toString());
        long start = System.nanoTime();
        assertThatThrownBy(job::run)
                .satisfies(e -> System.out.println("the run failed with: " + e.getMessage()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--kafka-properties " + file)
                .hasMessageContaining("the job would fail and restart for ever")
                .hasMessageContainingAll(expected);
        return Duration.ofNanos(System.nanoTime() - start);
    }

    @Test
    void aJobmanagerSubmissionIsCheckedBeforeItIsSubmitted(@TempDir Path dir) throws Exception {
        JobOptions options = new JobOptions();
        Path file = Files.writeString(
                dir.resolve("client.properties"),
                "security.protocol=SASL_PLAINTEXT\n"
                        + "sasl.mechanism=PLAIN\nsasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required "
                        + "username=\"u\" password=\"p\";\n");
        new CommandLine(options)
                .parseArgs(
                        "--bootstrap",
                        KAFKA.bootstrapServers(),
                        "--kafka-properties",
                        file.toString(),
                        "--jobmanager",
                        "127.0.0.1:8081");
        boolean submitted = options.cluster.jobmanager != null;
        assertThatThrownBy(() -> new BrokerPreflight(options.kafka).requireBroker(submitted))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--kafka-properties " + file)
                .hasMessageContaining("client mechanism PLAIN, enabled mechanisms are []");
    }

    @Test
    void aSaslMechanismTheBrokerDoesNotOfferStopsTheRunWithKafkasError(@TempDir Path dir) throws Exception {
        Duration took = runWith(dir, """
        security.protocol=SASL_PLAINTEXT
        sasl.mechanism=SCRAM-SHA-512
        sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="u" password="p";
        """, "SCRAM-SHA-512", "enabled mechanisms are []");
        assertThat(took).isLessThan(Duration.ofSeconds(40));
    }

    @Test
    void aJaasConfigThatDoesNotParseStopsTheRunAtOnce(@TempDir Path dir) throws Exception {
        Duration took = runWith(dir, """
        security.protocol=SASL_PLAINTEXT
        sasl.mechanism=PLAIN
        sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="u"
        """, "JAAS");
        assertThat(took).isLessThan(Duration.ofSeconds(10));
    }
}
