package io.dpbalance.jobs.analytics;

import static io.dpbalance.jobs.analytics.LogFixtures.T0;
import static io.dpbalance.jobs.analytics.LogFixtures.input;
import static io.dpbalance.jobs.analytics.LogFixtures.settings;
import static io.dpbalance.jobs.analytics.LogFixtures.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.dpbalance.jobs.io.InputRecord;
import io.dpbalance.schemas.TokenEvent;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class RequestStepOrderFunctionTest {

  private static KeyedOneInputStreamOperatorTestHarness<String, InputRecord<TokenEvent>, TokenEvent> harness()
      throws Exception {
    var h = new KeyedOneInputStreamOperatorTestHarness<>(
        new KeyedProcessOperator<>(new RequestStepOrderFunction(settings())),
        (InputRecord<TokenEvent> r) -> Keys.request(r.value.getClusterId(), r.value.getRequestId()), Types.STRING);
    h.open();
    return h;
  }

  private static void feed(KeyedOneInputStreamOperatorTestHarness<String, InputRecord<TokenEvent>, TokenEvent> h,
      TokenEvent token, long offset) throws Exception {
    h.processElement(input(token, offset), token.getEventTime().toEpochMilli());
  }

  @Test
  void passesTokensInEventTimeOrderSoThatOutOfOrderArrivalIsNoStepGoingBackwards() throws Exception {
    try (var h = harness()) {
      feed(h, token("a", 0, 2, "r1", T0 + 20, 11, false), 1);
      feed(h, token("a", 0, 1, "r1", T0, 10, false), 0);
      h.processWatermark(T0 + 20);

      assertThat(h.extractOutputValues()).extracting(TokenEvent::getStep).containsExactly(1L, 2L);
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

      assertThat(h.extractOutputValues()).extracting(TokenEvent::getStep).containsExactly(3L);
      assertThat(h.getSideOutput(RequestStepOrderFunction.DEAD_LETTERS))
          .extracting(r -> r.getValue().getOffset(), r -> r.getValue().getReason().split(":")[0])
          .containsExactly(tuple(7L, "STEP_BACKWARDS"),
              tuple(8L, "STEP_REPEATED"));
    }
  }

  @Test
  void forgetsARequestAfterItsFinalTokenOrAfterTheIdleTimeout() throws Exception {
    try (var h = harness()) {
      feed(h, token("a", 0, 1, "done", T0, 10, false), 0);
      feed(h, token("a", 0, 2, "done", T0 + 20, 11, true), 1);
      feed(h, token("a", 1, 1, "quiet", T0, 10, false), 2);
      h.processWatermark(T0 + 20);
      assertThat(h.numKeyedStateEntries()).as("the quiet request's last step and time").isEqualTo(2);

      h.processWatermark(T0 + settings().requestIdleTimeout().toMillis() + 1000);

      assertThat(h.numKeyedStateEntries()).isZero();
      assertThat(h.numEventTimeTimers()).isZero();
    }
  }

  @Test
  void countsATokenPastItsStepWindowAsLate() throws Exception {
    try (var h = harness()) {
      h.processWatermark(T0 + 100);
      feed(h, token("a", 0, 1, "r1", T0, 10, false), 0);

      assertThat(h.extractOutputValues()).isEmpty();
      assertThat(h.getSideOutput(RequestStepOrderFunction.LATE)).singleElement()
          .satisfies(late -> assertThat(late.getValue().lateRecords).isEqualTo(1));
      assertThat(h.numKeyedStateEntries()).isZero();
    }
  }
}
