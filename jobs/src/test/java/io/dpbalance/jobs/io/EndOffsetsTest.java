package io.dpbalance.jobs.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.internals.KafkaFutureImpl;
import org.junit.jupiter.api.Test;

/**
 * The bookkeeping of {@link EndOffsets} without a broker: a watcher that never polls by itself, and an {@link Admin}
 * stand-in that answers {@code listOffsets} with the offsets a test gives (a missing partition fails, as a broker that
 * does not answer for it).
 */
class EndOffsetsTest {

    private static final Duration FORGET_AFTER = Duration.ofMinutes(1);
    private static final TopicPartition P0 = new TopicPartition("t", 0);
    private static final TopicPartition P1 = new TopicPartition("t", 1);

    /** What the stand-in was asked: the partitions and their specs, and the options. */
    private static final class Asked {
        final List<Map<TopicPartition, OffsetSpec>> partitions = new ArrayList<>();
        final List<ListOffsetsOptions> options = new ArrayList<>();
    }

    @SuppressWarnings("unchecked")
    private static Admin answering(Map<TopicPartition, Long> ends, Asked asked) {
        return (Admin) Proxy.newProxyInstance(
                Admin.class.getClassLoader(), new Class<?>[] {Admin.class}, (proxy, method, args) -> {
                    if (!method.getName().equals("listOffsets") || args.length != 2) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    Map<TopicPartition, OffsetSpec> wanted = (Map<TopicPartition, OffsetSpec>) args[0];
                    asked.partitions.add(Map.copyOf(wanted));
                    asked.options.add((ListOffsetsOptions) args[1]);
                    Map<TopicPartition, KafkaFuture<ListOffsetsResultInfo>> futures = new HashMap<>();
                    for (TopicPartition tp : wanted.keySet()) {
                        Long end = ends.get(tp);
                        if (end == null) {
                            KafkaFutureImpl<ListOffsetsResultInfo> failed = new KafkaFutureImpl<>();
                            failed.completeExceptionally(new TimeoutException("no answer for " + tp));
                            futures.put(tp, failed);
                        } else {
                            futures.put(
                                    tp,
                                    KafkaFuture.completedFuture(new ListOffsetsResultInfo(end, -1, Optional.empty())));
                        }
                    }
                    return new ListOffsetsResult(futures);
                });
    }

    @Test
    void answersAreThoseOfTheLastPollAndAPartitionWithoutAnswerKeepsItsLastOne() throws Exception {
        EndOffsets offsets = EndOffsets.unpolled("127.0.0.1:9", new Properties(), FORGET_AFTER);
        assertThat(offsets.ask("t", 0)).as("before any poll").isNull();
        assertThat(offsets.ask("t", 1)).isNull();
        Asked asked = new Asked();

        long before = System.nanoTime();
        offsets.poll(answering(Map.of(P0, 42L, P1, 7L), asked));
        EndOffsets.Answer first = offsets.ask("t", 1);
        assertThat(offsets.ask("t", 0).endOffset()).isEqualTo(42);
        assertThat(first.endOffset()).isEqualTo(7);
        assertThat(first.answeredAtNanos()).isBetween(before, System.nanoTime());

        offsets.poll(answering(Map.of(P0, 50L), asked));
        assertThat(offsets.ask("t", 0).endOffset()).isEqualTo(50);
        assertThat(offsets.ask("t", 1))
                .as("no answer this time: the last one ages")
                .isEqualTo(first);

        assertThat(asked.partitions)
                .allSatisfy(wanted -> assertThat(wanted.keySet()).containsExactlyInAnyOrder(P0, P1));
        assertThat(asked.options).allSatisfy(options -> {
            assertThat(options.isolationLevel())
                    .as("committed records only: what a read_committed source will read")
                    .isEqualTo(IsolationLevel.READ_COMMITTED);
            assertThat(options.timeoutMs()).isEqualTo(2_000);
        });
    }

    @Test
    void theBrokerHasAnsweredOnlyOnceAPartitionGotAnAnswer() throws Exception {
        EndOffsets offsets = EndOffsets.unpolled("127.0.0.1:9", new Properties(), FORGET_AFTER);
        assertThat(offsets.brokerAnsweredWithin(Duration.ofDays(1))).isFalse();
        offsets.ask("t", 0);

        offsets.poll(answering(Map.of(), new Asked()));
        assertThat(offsets.brokerAnsweredWithin(Duration.ofDays(1)))
                .as("every partition failed")
                .isFalse();

        offsets.poll(answering(Map.of(P0, 3L), new Asked()));
        assertThat(offsets.brokerAnsweredWithin(Duration.ofMinutes(1))).isTrue();

        offsets.answered(
                P0,
                new EndOffsets.Answer(
                        3, System.nanoTime() - Duration.ofSeconds(10).toNanos()));
        assertThat(offsets.brokerAnsweredWithin(Duration.ofSeconds(5)))
                .as("an answer 10 s old")
                .isFalse();
        assertThat(offsets.brokerAnsweredWithin(Duration.ofSeconds(20))).isTrue();
    }

    @Test
    void aPartitionNobodyAskedAboutForForgetAfterIsForgottenAndNoLongerPolled() throws Exception {
        EndOffsets offsets = EndOffsets.unpolled("127.0.0.1:9", new Properties(), FORGET_AFTER);
        long before = System.nanoTime();
        offsets.ask("t", 0);
        offsets.ask("t", 1);
        long after = System.nanoTime();
        offsets.poll(answering(Map.of(P0, 1L, P1, 2L), new Asked()));

        offsets.forgetUnasked(before + FORGET_AFTER.toNanos());
        Asked asked = new Asked();
        offsets.poll(answering(Map.of(P0, 1L, P1, 2L), asked));
        assertThat(asked.partitions.get(0).keySet())
                .as("asked within forgetAfter")
                .containsExactlyInAnyOrder(P0, P1);

        // P1 is asked about again, strictly later than P0 was: at forgetAfter past that, only P0 is past it.
        long again;
        do {
            again = System.nanoTime();
        } while (again <= after);
        offsets.ask("t", 1);
        offsets.forgetUnasked(again + FORGET_AFTER.toNanos());
        offsets.poll(answering(Map.of(P0, 1L, P1, 2L), asked));
        assertThat(asked.partitions.get(1).keySet()).containsExactly(P1);
        assertThat(offsets.ask("t", 1).endOffset()).isEqualTo(2);
        assertThat(offsets.ask("t", 0))
                .as("forgotten with its answer, asked anew")
                .isNull();
    }

    @Test
    void sourcesWithTheSameClientSettingsShareOneWatcherUntilTheLastReleasesIt() {
        Properties sasl = new Properties();
        sasl.setProperty("security.protocol", "SASL_PLAINTEXT");
        Properties saslAgain = new Properties();
        saslAgain.setProperty("security.protocol", "SASL_PLAINTEXT");
        String bootstrap = "127.0.0.1:9 shared-test-" + System.nanoTime();
        EndOffsets first = EndOffsets.shared(bootstrap, sasl, FORGET_AFTER);
        EndOffsets second = EndOffsets.shared(bootstrap, saslAgain, FORGET_AFTER);
        EndOffsets plain = EndOffsets.shared(bootstrap, new Properties(), FORGET_AFTER);
        try {
            assertThat(second).isSameAs(first);
            assertThat(plain).isNotSameAs(first);
            first.release();
            assertThat(EndOffsets.shared(bootstrap, sasl, FORGET_AFTER))
                    .as("one user left")
                    .isSameAs(first);
            first.release();
            second.release();
            EndOffsets next = EndOffsets.shared(bootstrap, sasl, FORGET_AFTER);
            assertThat(next).as("the last release removed it").isNotSameAs(first);
            next.release();
        } finally {
            plain.release();
        }
    }

    @Test
    void theAdminClientGetsTheSourcesSecuritySettingsNotItsConsumerOnes() {
        Properties source = new Properties();
        source.setProperty("security.protocol", "SASL_SSL");
        source.setProperty("sasl.mechanism", "SCRAM-SHA-512");
        source.setProperty("ssl.truststore.location", "/etc/truststore.jks");
        source.setProperty("group.id", "not-for-an-admin");
        source.setProperty("isolation.level", "read_committed");
        source.setProperty("bootstrap.servers", "elsewhere:9092");
        source.setProperty("client.id", "the-source");
        Map<String, Object> admin =
                EndOffsets.unpolled("broker:9092", source, FORGET_AFTER).adminProperties();

        assertThat(admin)
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("ssl.truststore.location", "/etc/truststore.jks")
                .containsEntry("bootstrap.servers", "broker:9092")
                .containsEntry("client.id", "dpbalance-end-offsets")
                .containsEntry("request.timeout.ms", 2_000)
                .doesNotContainKeys("group.id", "isolation.level");
        assertThat(Set.copyOf(admin.keySet())).as(admin.toString()).hasSize(9);
    }
}
