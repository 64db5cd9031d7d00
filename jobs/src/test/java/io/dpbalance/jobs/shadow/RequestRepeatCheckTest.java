package io.dpbalance.jobs.shadow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.dpbalance.jobs.common.Keys;
import io.dpbalance.jobs.io.InputRecord;
import io.dpbalance.schemas.DeadLetter;
import io.dpbalance.schemas.RequestArrival;
import java.time.Duration;
import java.time.Instant;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The repeated-request check in a test harness: what passes, what is a dead letter, when an id is forgotten. */
class RequestRepeatCheckTest {

    private static final long T0 = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
    private static final Duration RETENTION = Duration.ofMinutes(10);

    private static KeyedOneInputStreamOperatorTestHarness<
                    String, InputRecord<RequestArrival>, InputRecord<RequestArrival>>
            harness() throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new RequestRepeatCheck(RETENTION)),
                (InputRecord<RequestArrival> r) -> Keys.request(r.value.getClusterId(), r.value.getRequestId()),
                Types.STRING);
    }

    private static InputRecord<RequestArrival> request(
            String cluster, String id, long arrival, Long output, long offset) {
        RequestArrival value = new RequestArrival(cluster, id, Instant.ofEpochMilli(arrival), 100L, output, null, null);
        return InputRecord.decoded("dp.requests", 0, offset, cluster, new byte[] {(byte) offset}, value, null);
    }

    private static void feed(
            KeyedOneInputStreamOperatorTestHarness<String, InputRecord<RequestArrival>, InputRecord<RequestArrival>> h,
            InputRecord<RequestArrival> record)
            throws Exception {
        h.processElement(record, record.value.getArrivalTime().toEpochMilli());
    }

    @Test
    void aRequestPassesOnceAndEveryRepeatIsADeadLetter() throws Exception {
        try (var h = harness()) {
            h.open();
            feed(h, request("a", "r1", T0, 20L, 0));
            feed(h, request("a", "r1", T0, 20L, 1));
            feed(h, request("b", "r1", T0, 20L, 2));
            h.processWatermark(T0 + 60_000);
            // After the request has finished on any shadow's clock: the case that used to be simulated again.
            feed(h, request("a", "r1", T0 + 70_000, 20L, 3));
            feed(h, request("a", "r1", T0, null, 4));

            assertThat(h.extractOutputValues())
                    .extracting(r -> r.value.getClusterId(), r -> r.offset)
                    .containsExactly(tuple("a", 0L), tuple("b", 2L));
            assertThat(h.getSideOutput(RequestRepeatCheck.DEAD_LETTERS))
                    .extracting(StreamRecord::getValue)
                    .extracting(DeadLetter::getOffset, DeadLetter::getClusterId, DeadLetter::getSourceTopic)
                    .containsExactly(
                            tuple(1L, "a", "dp.requests"),
                            tuple(3L, "a", "dp.requests"),
                            tuple(4L, "a", "dp.requests"));
            assertThat(h.getSideOutput(RequestRepeatCheck.DEAD_LETTERS))
                    .extracting(r -> r.getValue().getReason())
                    .allSatisfy(
                            reason -> assertThat(reason)
                                    .startsWith(
                                            "REQUEST_REPEATED: request 'r1' of cluster 'a' was already read (dp.requests partition 0 offset 0"));
            assertThat(h.getSideOutput(RequestRepeatCheck.DEAD_LETTERS))
                    .extracting(r -> r.getValue().getPayload().array())
                    .containsExactly(new byte[] {1}, new byte[] {3}, new byte[] {4});
        }
    }

    @Test
    void theCompletionOfAnArrivalWithoutOutputPassesOnceThenRepeatsAreDeadLetters() throws Exception {
        try (var h = harness()) {
            h.open();
            feed(h, request("a", "r1", T0, null, 0));
            feed(h, request("a", "r1", T0, null, 1));
            feed(h, request("a", "r1", T0, 30L, 2));
            feed(h, request("a", "r1", T0, 30L, 3));
            feed(h, request("a", "r1", T0, null, 4));

            assertThat(h.extractOutputValues()).extracting(r -> r.offset).containsExactly(0L, 2L);
            assertThat(h.getSideOutput(RequestRepeatCheck.DEAD_LETTERS))
                    .extracting(r -> r.getValue().getOffset())
                    .containsExactly(1L, 3L, 4L);
            assertThat(h.getSideOutput(RequestRepeatCheck.DEAD_LETTERS))
                    .extracting(r -> r.getValue().getReason())
                    .element(1)
                    .asString()
                    .endsWith("offset 2, with its output length)");
        }
    }

    @Test
    void anIdIsForgottenOnceTheWatermarkPassesItsArrivalPlusTheRetention() throws Exception {
        try (var h = harness()) {
            h.open();
            feed(h, request("a", "r1", T0, 20L, 0));
            feed(h, request("a", "r2", T0 + 1_000, 20L, 1));
            assertThat(h.numKeyedStateEntries()).isEqualTo(2);
            assertThat(h.numEventTimeTimers()).isEqualTo(2);

            h.processWatermark(T0 + RETENTION.toMillis() - 1);
            feed(h, request("a", "r1", T0, 20L, 2));
            assertThat(h.getSideOutput(RequestRepeatCheck.DEAD_LETTERS))
                    .as("a repeat within the retention")
                    .hasSize(1);

            h.processWatermark(T0 + RETENTION.toMillis());
            assertThat(h.numKeyedStateEntries()).as("r1 forgotten, r2 kept").isEqualTo(1);
            feed(h, request("a", "r1", T0 + RETENTION.toMillis(), 20L, 3));
            assertThat(h.extractOutputValues()).extracting(r -> r.offset).containsExactly(0L, 1L, 3L);

            h.processWatermark(Long.MAX_VALUE);
            assertThat(h.numKeyedStateEntries())
                    .as("the end of input forgets every id")
                    .isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void aRestoredCheckStillKnowsTheIdsReadBeforeTheSnapshot() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.open();
            feed(h, request("a", "r1", T0, null, 0));
            snapshot = h.snapshot(1, 1);
        }
        try (var h = harness()) {
            h.initializeState(snapshot);
            h.open();
            feed(h, request("a", "r1", T0, null, 1));
            feed(h, request("a", "r1", T0, 20L, 2));
            feed(h, request("a", "r1", T0, 20L, 3));
            assertThat(h.extractOutputValues()).extracting(r -> r.offset).containsExactly(2L);
            assertThat(h.getSideOutput(RequestRepeatCheck.DEAD_LETTERS))
                    .extracting(r -> r.getValue().getOffset())
                    .containsExactly(1L, 3L);
            assertThat(h.numEventTimeTimers()).as("the restored timer").isEqualTo(1);
        }
    }

    @Test
    void itsStateIsAPojoWithoutKryo() {
        ExecutionConfig execution = new ExecutionConfig();
        ((SerializerConfigImpl) execution.getSerializerConfig()).setGenericTypes(false);
        var descriptor = RequestRepeatCheck.seenDescriptor();
        descriptor.initializeSerializerUnlessSet(execution);
        assertThat(descriptor.getSerializer().getClass().getSimpleName()).isEqualTo("PojoSerializer");
    }
}
