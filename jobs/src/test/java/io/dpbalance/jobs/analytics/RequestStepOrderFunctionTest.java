package io.dpbalance.jobs.analytics;

import static io.dpbalance.jobs.analytics.LogFixtures.T0;
import static io.dpbalance.jobs.analytics.LogFixtures.requestToken;
import static io.dpbalance.jobs.analytics.LogFixtures.settings;
import static io.dpbalance.jobs.analytics.LogFixtures.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.dpbalance.jobs.common.Keys;
import io.dpbalance.schemas.TokenEvent;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class RequestStepOrderFunctionTest {

    private static KeyedOneInputStreamOperatorTestHarness<String, RequestToken, RequestToken> harness()
            throws Exception {
        return harness(null);
    }

    /** The operator, restored from {@code snapshot} when it is not null, opened. */
    private static KeyedOneInputStreamOperatorTestHarness<String, RequestToken, RequestToken> harness(
            OperatorSubtaskState snapshot) throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new RequestStepOrderOperator(new RequestStepOrderFunction(settings())),
                (RequestToken t) -> Keys.request(t.clusterId(), t.requestId()),
                Types.STRING);
        if (snapshot != null) {
            h.initializeState(snapshot);
        }
        h.open();
        return h;
    }

    private static void feed(
            KeyedOneInputStreamOperatorTestHarness<String, RequestToken, RequestToken> h, TokenEvent token, long offset)
            throws Exception {
        h.processElement(requestToken(token, offset), token.getEventTime().toEpochMilli());
    }

    @Test
    void passesTokensInEventTimeOrderSoThatOutOfOrderArrivalIsNoStepGoingBackwards() throws Exception {
        try (var h = harness()) {
            feed(h, token("a", 0, 2, "r1", T0 + 20, 11, false), 1);
            feed(h, token("a", 0, 1, "r1", T0, 10, false), 0);
            h.processWatermark(T0 + 20);

            assertThat(h.extractOutputValues())
                    .extracting(token -> token.step())
                    .containsExactly(1L, 2L);
            assertThat(h.getSideOutput(RequestStepOrderFunction.DEAD_LETTERS)).isNull();
        }
    }

    @Test
    void tokensArrivingOutOfOrderGoThroughInTimeOrderOverSeveralWatermarks() throws Exception {
        try (var h = harness()) {
            feed(h, token("a", 0, 3, "r1", T0 + 40, 12, false), 2);
            feed(h, token("a", 0, 1, "r1", T0, 10, false), 0);
            feed(h, token("a", 0, 4, "r1", T0 + 60, 13, false), 3);
            feed(h, token("a", 0, 2, "r1", T0 + 20, 11, false), 1);
            h.processWatermark(T0 + 20);
            assertThat(h.extractOutputValues())
                    .extracting(token -> token.step())
                    .containsExactly(1L, 2L);

            feed(h, token("a", 0, 5, "r1", T0 + 80, 14, false), 4);
            h.processWatermark(T0 + 80);

            assertThat(h.extractOutputValues())
                    .extracting(token -> token.step())
                    .containsExactly(1L, 2L, 3L, 4L, 5L);
            assertThat(h.getSideOutput(RequestStepOrderFunction.DEAD_LETTERS)).isNull();
        }
    }

    @Test
    void rejectsAStepGoingBackwardsOrRepeatedWithItsReason() throws Exception {
        try (var h = harness()) {
            feed(h, token("a", 0, 3, "r1", T0, 10, false), 0);
            feed(h, token("a", 0, 2, "r1", T0 + 20, 11, false), 7);
            feed(h, token("a", 0, 3, "r1", T0 + 40, 12, false), 8);
            h.processWatermark(T0 + 40);

            assertThat(h.extractOutputValues())
                    .extracting(token -> token.step())
                    .containsExactly(3L);
            assertThat(h.getSideOutput(RequestStepOrderFunction.DEAD_LETTERS))
                    .extracting(
                            r -> r.getValue().getOffset(),
                            r -> r.getValue().getReason().split(":")[0])
                    .containsExactly(tuple(7L, "STEP_BACKWARDS"), tuple(8L, "STEP_REPEATED"));
        }
    }

    @Test
    void forgetsAFinishedOrQuietRequestAfterTheIdleTimeout() throws Exception {
        try (var h = harness()) {
            feed(h, token("a", 0, 1, "done", T0, 10, false), 0);
            feed(h, token("a", 0, 2, "done", T0 + 20, 11, true), 1);
            feed(h, token("a", 1, 1, "quiet", T0, 10, false), 2);
            h.processWatermark(T0 + 20);
            assertThat(h.numKeyedStateEntries())
                    .as("each request's progress (last step and time)")
                    .isEqualTo(2);

            h.processWatermark(T0 + settings().requestIdleTimeout().toMillis() + 1000);

            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void aDuplicatedFinalTokenIsADeadLetterNotCountedTwice() throws Exception {
        try (var h = harness()) {
            feed(h, token("a", 0, 1, "r1", T0, 10, false), 0);
            feed(h, token("a", 0, 2, "r1", T0 + 20, 11, true), 1);
            // The same final token again, in the same watermark ...
            feed(h, token("a", 0, 2, "r1", T0 + 20, 11, true), 2);
            h.processWatermark(T0 + 20);
            // ... and once more after the first was released, stamped a little later.
            feed(h, token("a", 0, 2, "r1", T0 + 500, 11, true), 3);
            h.processWatermark(T0 + 500);

            assertThat(h.extractOutputValues())
                    .extracting(token -> token.step())
                    .containsExactly(1L, 2L);
            assertThat(h.getSideOutput(RequestStepOrderFunction.DEAD_LETTERS))
                    .extracting(
                            r -> r.getValue().getOffset(),
                            r -> r.getValue().getReason().split(":")[0])
                    .containsExactly(tuple(2L, "STEP_REPEATED"), tuple(3L, "STEP_REPEATED"));
        }
    }

    @Test
    void registersOneReleaseTimerPerWatermarkNotOnePerToken() throws Exception {
        try (var h = harness()) {
            for (int step = 1; step <= 5; step++) {
                feed(h, token("a", 0, step, "r1", T0 + 20L * step, 10 + step, false), step);
            }
            assertThat(h.numEventTimeTimers()).isEqualTo(1);

            h.processWatermark(T0 + 60);

            assertThat(h.extractOutputValues())
                    .extracting(token -> token.step())
                    .containsExactly(1L, 2L, 3L);
            // the release timer of the two tokens still waiting, and the idle check of the last one passed
            assertThat(h.numEventTimeTimers()).isEqualTo(2);
        }
    }

    @Test
    void aTokenArrivingAfterTheWatermarkPassedItsTimeIsCheckedInTimeOrderAtTheNextWatermark() throws Exception {
        try (var h = harness()) {
            feed(h, token("a", 0, 2, "r1", T0 + 20, 11, false), 1);
            h.processWatermark(T0 + 20);
            feed(h, token("a", 0, 3, "r1", T0 + 40, 12, false), 2);
            // within the 100 ms max step spread of its time, so not late: it waits for the next watermark
            feed(h, token("a", 0, 1, "r1", T0, 10, false), 0);
            h.processWatermark(T0 + 40);

            assertThat(h.extractOutputValues())
                    .extracting(token -> token.step())
                    .containsExactly(2L, 3L);
            assertThat(h.getSideOutput(RequestStepOrderFunction.DEAD_LETTERS))
                    .extracting(
                            r -> r.getValue().getOffset(),
                            r -> r.getValue().getReason().split(":")[0])
                    .containsExactly(tuple(0L, "STEP_BACKWARDS"));
        }
    }

    @Test
    void forgetsAQuietRequestBetweenTwoTokensThatOneWatermarkReleases() throws Exception {
        long idle = settings().requestIdleTimeout().toMillis();
        try (var h = harness()) {
            feed(h, token("a", 0, 5, "r1", T0, 10, false), 0);
            // the same step again, after the request was quiet for longer than the idle timeout: it is a request anew
            feed(h, token("a", 0, 5, "r1", T0 + idle + 2000, 10, false), 1);
            h.processWatermark(T0 + idle + 2000);

            assertThat(h.extractOutputValues())
                    .extracting(token -> token.offset())
                    .containsExactly(0L, 1L);
            assertThat(h.getSideOutput(RequestStepOrderFunction.DEAD_LETTERS)).isNull();
        }
    }

    @Test
    void whileItHoldsTokensItDoesNotPassAnIdleInputOn() throws Exception {
        try (var h = harness()) {
            feed(h, token("a", 0, 1, "r1", T0, 10, false), 0);
            feed(h, token("a", 0, 2, "r1", T0 + 20, 11, false), 1);
            h.processWatermark(T0);
            assertThat(h.extractOutputValues()).extracting(RequestToken::step).containsExactly(1L);

            // The token input is caught up and goes idle while step 2 waits for the watermark: downstream (the step
            // window, where the rank-step path meets this one) must keep waiting for this path's watermark.
            h.processWatermarkStatus(WatermarkStatus.IDLE);
            assertThat(h.getOutput()).doesNotContain(WatermarkStatus.IDLE);
            assertThat(h.extractOutputValues()).extracting(RequestToken::step).containsExactly(1L);

            // Active again, the watermark lets step 2 through; idle with nothing held, the status goes on.
            h.processWatermarkStatus(WatermarkStatus.ACTIVE);
            h.processWatermark(T0 + 20);
            assertThat(h.extractOutputValues()).extracting(RequestToken::step).containsExactly(1L, 2L);
            h.processWatermarkStatus(WatermarkStatus.IDLE);
            assertThat(h.getOutput()).last().isEqualTo(WatermarkStatus.IDLE);
            assertThat(h.getSideOutput(RequestStepOrderFunction.DEAD_LETTERS)).isNull();
        }
    }

    @Test
    void aRestoredSubtaskKnowsTheTokensItsStateHolds() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            feed(h, token("a", 0, 1, "r1", T0, 10, false), 0);
            feed(h, token("a", 0, 2, "r1", T0 + 40, 11, false), 1);
            h.processWatermark(T0);
            snapshot = h.snapshot(1L, T0);
        }
        try (var restored = harness(snapshot)) {
            restored.processWatermark(T0);
            restored.processWatermarkStatus(WatermarkStatus.IDLE);

            assertThat(restored.getOutput()).doesNotContain(WatermarkStatus.IDLE);
            restored.processWatermarkStatus(WatermarkStatus.ACTIVE);
            restored.processWatermark(T0 + 40);
            assertThat(restored.extractOutputValues())
                    .extracting(RequestToken::step)
                    .containsExactly(2L);
        }
    }

    @Test
    void restoredRequestKeepsItsWaitingTokensAndItsLastStep() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            feed(h, token("a", 0, 1, "r1", T0, 10, false), 0);
            h.processWatermark(T0);
            feed(h, token("a", 0, 1, "r1", T0 + 20, 11, false), 1);
            feed(h, token("a", 0, 2, "r1", T0 + 40, 12, true), 2);
            snapshot = h.snapshot(1L, T0);
        }
        try (var restored = harness(snapshot)) {
            restored.processWatermark(T0 + 40);

            assertThat(restored.extractOutputValues()).singleElement().satisfies(token -> {
                assertThat(token.step()).isEqualTo(2);
                assertThat(token.clusterId()).isEqualTo("a");
                assertThat(token.requestId()).isEqualTo("r1");
                assertThat(token.topic()).isEqualTo("dp.token-events");
            });
            assertThat(restored.getSideOutput(RequestStepOrderFunction.DEAD_LETTERS))
                    .singleElement()
                    .satisfies(r -> {
                        assertThat(r.getValue().getReason()).startsWith("STEP_REPEATED");
                        assertThat(r.getValue().getOffset()).isEqualTo(1);
                        assertThat(r.getValue().getSourceTopic()).isEqualTo("dp.token-events");
                    });
            assertThat(restored.numKeyedStateEntries())
                    .as("the finished request's last step, against repeats")
                    .isOne();
            restored.processWatermark(T0 + 40 + settings().requestIdleTimeout().toMillis() + 1000);
            assertThat(restored.numKeyedStateEntries()).isZero();
        }
    }

    @Test
    void countsATokenPastItsStepWindowAsLateAndKeepsItAsADeadLetter() throws Exception {
        try (var h = harness()) {
            h.processWatermark(T0 + 100);
            feed(h, token("a", 0, 1, "r1", T0, 10, false), 7);

            assertThat(h.extractOutputValues()).isEmpty();
            assertThat(h.getSideOutput(RequestStepOrderFunction.LATE))
                    .singleElement()
                    .satisfies(late -> assertThat(late.getValue().lateRecords).isEqualTo(1));
            assertThat(h.getSideOutput(RequestStepOrderFunction.DEAD_LETTERS))
                    .singleElement()
                    .satisfies(r -> {
                        assertThat(r.getValue().getReason()).startsWith("LATE_RECORD: ");
                        assertThat(r.getValue().getOffset()).isEqualTo(7);
                        assertThat(r.getValue().getClusterId()).isEqualTo("a");
                    });
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }
}
