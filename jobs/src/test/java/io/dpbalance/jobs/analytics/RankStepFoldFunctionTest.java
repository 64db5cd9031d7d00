package io.dpbalance.jobs.analytics;

import static io.dpbalance.jobs.analytics.LogFixtures.T0;
import static io.dpbalance.jobs.analytics.LogFixtures.token;
import static org.assertj.core.api.Assertions.assertThat;

import io.dpbalance.schemas.TokenEvent;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class RankStepFoldFunctionTest {

  private static KeyedOneInputStreamOperatorTestHarness<String, TokenEvent, RankLoad> harness() throws Exception {
    return new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new RankStepFoldFunction()),
        t -> Keys.rankStep(t.getClusterId(), t.getRank(), t.getStep()), Types.STRING);
  }

  private static void feed(KeyedOneInputStreamOperatorTestHarness<String, TokenEvent, RankLoad> h, TokenEvent t)
      throws Exception {
    h.processElement(t, t.getEventTime().toEpochMilli());
  }

  @Test
  void foldsOneRanksTokensAndEmitsWhenTheWatermarkPassesTheEarliestToken() throws Exception {
    try (var h = harness()) {
      h.open();
      feed(h, token("a", 0, 1, "r1", T0 + 2, 10, false));
      feed(h, token("a", 0, 1, "r2", T0, 5, false));
      feed(h, token("a", 0, 1, "r3", T0 + 1, 7, true));
      assertThat(h.numEventTimeTimers()).isEqualTo(1);

      h.processWatermark(T0 - 1);
      assertThat(h.extractOutputValues()).isEmpty();
      h.processWatermark(T0);

      assertThat(h.extractOutputValues()).singleElement().satisfies(load -> {
        assertThat(load.running).isEqualTo(3);
        // the final token's request leaves at the end of the step: 10 + 5, not 7
        assertThat(load.kvTokens).isEqualTo(15);
        assertThat(load.records).isEqualTo(3);
        assertThat(load.time).isEqualTo(T0);
        assertThat(load.fromRankStep).isFalse();
      });
      assertThat(h.extractOutputStreamRecords().get(0).getTimestamp()).isEqualTo(T0);
      assertThat(h.numKeyedStateEntries()).isZero();
      assertThat(h.numEventTimeTimers()).isZero();
    }
  }

  @Test
  void restoredFoldKeepsTheTokensOfBeforeTheSnapshot() throws Exception {
    OperatorSubtaskState snapshot;
    try (var h = harness()) {
      h.open();
      feed(h, token("a", 1, 4, "r1", T0, 10, false));
      feed(h, token("a", 1, 4, "r2", T0, 20, false));
      snapshot = h.snapshot(1L, T0);
    }
    try (var restored = harness()) {
      restored.initializeState(snapshot);
      restored.open();
      feed(restored, token("a", 1, 4, "r3", T0, 30, false));
      restored.processWatermark(T0);

      assertThat(restored.extractOutputValues()).singleElement().satisfies(load -> {
        assertThat(load.running).isEqualTo(3);
        assertThat(load.kvTokens).isEqualTo(60);
      });
      assertThat(restored.numKeyedStateEntries()).isZero();
    }
  }
}
