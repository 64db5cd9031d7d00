package io.dpbalance.jobs.analytics;

import static io.dpbalance.jobs.analytics.LogFixtures.T0;
import static io.dpbalance.jobs.analytics.LogFixtures.load;
import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class StepLoadCombinerTest {

    private static OneInputStreamOperatorTestHarness<RankLoad, StepLoads> harness() throws Exception {
        var h = new OneInputStreamOperatorTestHarness<>(new StepLoadCombiner());
        h.open();
        return h;
    }

    @Test
    void consecutiveSharesOfOneStepLeaveAsOnePartialWhenAnotherStepComes() throws Exception {
        try (var h = harness()) {
            h.processElement(load("a", 0, 1, T0 + 5, 1, 10), T0 + 5);
            h.processElement(load("a", 1, 1, T0 + 2, 1, 20), T0 + 2);
            h.processElement(load("a", 1, 1, T0 + 3, 9, 90), T0 + 3);
            assertThat(h.extractOutputValues()).isEmpty();
            h.processElement(load("b", 0, 1, T0, 1, 30), T0);
            h.processElement(load("b", 0, 2, T0 + 20, 1, 40), T0 + 20);

            assertThat(h.extractOutputStreamRecords())
                    .satisfiesExactly(
                            first -> {
                                StepLoads partial = first.getValue();
                                assertThat(partial.clusterId).isEqualTo("a");
                                assertThat(partial.step).isEqualTo(1);
                                assertThat(partial.stepStart).isEqualTo(T0 + 2);
                                assertThat(first.getTimestamp()).isEqualTo(T0 + 2);
                                // as they came, the repeat of rank 1 too: the step window judges it
                                assertThat(partial.ranks)
                                        .extracting(r -> r.kvTokens)
                                        .containsExactly(10L, 20L, 90L);
                            },
                            second -> {
                                assertThat(second.getValue().clusterId).isEqualTo("b");
                                assertThat(second.getValue().step).isEqualTo(1);
                            });
        }
    }

    @Test
    void emitsWhatItHoldsBeforeAWatermarkAndAtTheEndOfInput() throws Exception {
        try (var h = harness()) {
            h.processElement(load("a", 0, 1, T0, 1, 10), T0);
            h.processWatermark(new Watermark(T0 + 1000));
            assertThat(h.getOutput()).hasSize(2);
            assertThat(((StreamRecord<?>) h.getOutput().poll()).getValue())
                    .isInstanceOfSatisfying(
                            StepLoads.class, partial -> assertThat(partial.step).isEqualTo(1));
            assertThat(h.getOutput().poll()).isEqualTo(new Watermark(T0 + 1000));

            h.processElement(load("a", 0, 2, T0 + 20, 1, 10), T0 + 20);
            h.endInput();
            assertThat(h.extractOutputValues())
                    .singleElement()
                    .satisfies(partial -> assertThat(partial.step).isEqualTo(2));
        }
    }

    @Test
    void aRunOfMaxSharesGoesOutWithoutWaitingForItsEnd() throws Exception {
        try (var h = harness()) {
            for (int i = 0; i < StepLoadCombiner.MAX_SHARES + 1; i++) {
                h.processElement(load("a", 0, 1, T0, 1, 10), T0);
            }
            assertThat(h.extractOutputValues())
                    .singleElement()
                    .satisfies(partial -> assertThat(partial.ranks).hasSize(StepLoadCombiner.MAX_SHARES));
        }
    }
}
