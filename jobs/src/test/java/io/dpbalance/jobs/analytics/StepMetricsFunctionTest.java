package io.dpbalance.jobs.analytics;

import static io.dpbalance.jobs.analytics.LogFixtures.T0;
import static io.dpbalance.jobs.analytics.LogFixtures.load;
import static io.dpbalance.jobs.analytics.LogFixtures.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import io.dpbalance.engine.metrics.CostModel;
import io.dpbalance.schemas.StepMetrics;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class StepMetricsFunctionTest {

    private static final long CLOSE = 100;

    /**
     * Steps on the first input, late counts on the second; step metrics out, window metrics to a side output. Not
     * opened yet.
     */
    static KeyedTwoInputStreamOperatorTestHarness<String, StepLoads, StepOutcome, StepOutcome> unopened(
            AnalyticsSettings settings) throws Exception {
        return new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(new StepMetricsFunction(settings)),
                (StepLoads s) -> s.clusterId,
                (StepOutcome o) -> o.clusterId,
                Types.STRING);
    }

    private static KeyedTwoInputStreamOperatorTestHarness<String, StepLoads, StepOutcome, StepOutcome> harness(
            AnalyticsSettings settings) throws Exception {
        var h = unopened(settings);
        h.open();
        return h;
    }

    private static StepLoads step(String cluster, long step, long start, RankLoad... ranks) {
        return StepLoads.of(cluster, step, start, ranks);
    }

    /**
     * Batch execution: partial steps of the combiner, a step's ranks split over two of them and a rank-step repeated,
     * give the step and window metrics that the closed steps give, and the repeat is a dead letter.
     */
    @Test
    void addsUpAStepsPartialsAsItsClosedStepWindowAndDeadLettersARepeat() throws Exception {
        AnalyticsSettings settings = settings().withRoster(Map.of("a", 3));
        try (var closed = harness(settings);
                var partials = new KeyedTwoInputStreamOperatorTestHarness<>(
                        new KeyedCoProcessOperator<>(new StepMetricsFunction(settings, true)),
                        (StepLoads s) -> s.clusterId,
                        (StepOutcome o) -> o.clusterId,
                        Types.STRING)) {
            closed.open();
            closed.processElement1(
                    step("a", 1, T0, load("a", 0, 1, T0, 2, 10), load("a", 1, 1, T0 + 5, 1, 4)), T0 + CLOSE);
            closed.processElement1(step("a", 2, T0 + 20, load("a", 0, 2, T0 + 20, 2, 8)), T0 + 20 + CLOSE);
            closed.processBothWatermarks(new Watermark(Long.MAX_VALUE));

            partials.open();
            partials.processElement1(step("a", 1, T0 + 5, load("a", 1, 1, T0 + 5, 1, 4)), T0 + 5);
            partials.processElement1(step("a", 2, T0 + 20, load("a", 0, 2, T0 + 20, 2, 8)), T0 + 20);
            partials.processElement1(step("a", 1, T0, load("a", 0, 1, T0, 2, 10), load("a", 1, 1, T0 + 6, 3, 99)), T0);
            partials.processBothWatermarks(new Watermark(Long.MAX_VALUE));

            assertThat(partials.extractOutputValues())
                    .extracting(outcome -> outcome.metrics)
                    .hasSize(2)
                    .isEqualTo(closed.extractOutputValues().stream()
                            .map(outcome -> outcome.metrics)
                            .toList());
            assertThat(partials.getSideOutput(StepMetricsFunction.WINDOWS))
                    .extracting(r -> r.getValue())
                    .isNotEmpty()
                    .isEqualTo(closed.getSideOutput(StepMetricsFunction.WINDOWS).stream()
                            .map(r -> r.getValue())
                            .toList());
            assertThat(partials.getSideOutput(StepWindowFunction.DEAD_LETTERS))
                    .singleElement()
                    .satisfies(letter -> assertThat(letter.getValue().getReason())
                            .startsWith("RANK_STEP_REPEATED: cluster 'a' rank 1 step 1"));
            try (var buffered = partials.getOperator()
                    .<String>getKeyedStateBackend()
                    .getKeys("closed-steps", VoidNamespace.INSTANCE)) {
                assertThat(buffered).as("the handled steps left the buffer").isEmpty();
            }
        }
    }

    @Test
    void countsRosterRanksWithoutARecordAsLoadZeroAndAsMissing() throws Exception {
        try (var h = harness(settings().withRoster(Map.of("a", 4)))) {
            h.processElement1(step("a", 3, T0, load("a", 0, 3, T0, 2, 10), load("a", 2, 3, T0, 1, 4)), T0 + CLOSE);
            h.processBothWatermarks(new Watermark(T0 + CLOSE));

            StepOutcome outcome = h.extractOutputValues().get(0);
            StepMetrics m = outcome.metrics;
            assertThat(m.getRanks()).isEqualTo(4);
            assertThat(m.getMaxLoad()).isEqualTo(10);
            assertThat(m.getTotalLoad()).isEqualTo(14);
            assertThat(m.getImbalance()).isEqualTo(4 * 10 - 14);
            // (0 + 1 + 0.6 + 1) / 4
            assertThat(m.getIdleFraction()).isCloseTo(0.65, within(1e-12));
            assertThat(m.getRunning()).isEqualTo(3);
            assertThat(m.getTokens()).isEqualTo(3);
            assertThat(m.getPolicy()).isEqualTo("observed");
            assertThat(m.getStepSeconds()).isCloseTo(CostModel.reference(72).stepSeconds(10), within(1e-15));
            assertThat(m.getTimeIdleFraction()).isNull();
            assertThat(outcome.missingRankSteps).isEqualTo(2);
            try (var buffered =
                    h.getOperator().<String>getKeyedStateBackend().getKeys("closed-steps", VoidNamespace.INSTANCE)) {
                assertThat(buffered).as("the handled step left the buffer").isEmpty();
            }
        }
    }

    @Test
    void learnsTheRosterInStepOrderWhateverOrderTheStepsArriveIn() throws Exception {
        try (var h = harness(settings())) {
            h.processElement1(
                    step("b", 2, T0 + 20, load("b", 0, 2, T0 + 20, 1, 5), load("b", 2, 2, T0 + 20, 1, 5)),
                    T0 + 20 + CLOSE);
            h.processElement1(step("b", 1, T0, load("b", 0, 1, T0, 1, 5), load("b", 1, 1, T0, 1, 5)), T0 + CLOSE);
            h.processBothWatermarks(new Watermark(T0 + 20 + CLOSE));

            assertThat(h.extractOutputValues())
                    .extracting(o -> o.metrics.getStep(), o -> o.metrics.getRanks(), o -> o.missingRankSteps)
                    .containsExactly(tuple(1L, 2, 0L), tuple(2L, 3, 1L));
        }
    }

    /** A sample stands for the fewest steps any of its ranks' records does; a record without the field is one step. */
    @Test
    void aSampledStepStandsForTheFewestStepsOfItsRanks() throws Exception {
        RankLoad r0 = load("s", 0, 80, T0, 2, 100);
        r0.sampledSteps = 40L;
        RankLoad r1 = load("s", 1, 80, T0, 1, 50);
        r1.sampledSteps = 20L;
        RankLoad u0 = load("s", 0, 81, T0 + 20, 2, 100);
        RankLoad u1 = load("s", 1, 81, T0 + 20, 1, 50);
        u1.sampledSteps = 40L;
        try (var h = harness(settings())) {
            h.processElement1(step("s", 80, T0, r0, r1), T0 + CLOSE);
            h.processElement1(step("s", 81, T0 + 20, u0, u1), T0 + 20 + CLOSE);
            h.processBothWatermarks(new Watermark(T0 + 20 + CLOSE));

            assertThat(h.extractOutputValues())
                    .extracting(o -> o.metrics.getStep(), o -> o.metrics.getSampledSteps())
                    .containsExactly(tuple(80L, 20L), tuple(81L, 1L));
            // The step's own metrics, not multiplied: the window roll-up weights them.
            assertThat(h.extractOutputValues().get(0).metrics.getTokens()).isEqualTo(3);
        }
    }

    @Test
    void usesMeasuredStepAndComputeTimesWhenTheLogsCarryThem() throws Exception {
        RankLoad r0 = RankLoad.of(LogFixtures.rankStep("c", 0, 1, T0, 2, 100, 8_000L, 10_000L));
        RankLoad r1 = RankLoad.of(LogFixtures.rankStep("c", 1, 1, T0, 1, 50, 4_000L, 10_000L));
        try (var h = harness(settings())) {
            h.processElement1(step("c", 1, T0, r0, r1), T0 + CLOSE);
            h.processBothWatermarks(new Watermark(T0 + CLOSE));

            StepMetrics m = h.extractOutputValues().get(0).metrics;
            assertThat(m.getStepSeconds()).isEqualTo(0.01);
            // ((0.01 - 0.008) + (0.01 - 0.004)) / (2 * 0.01)
            assertThat(m.getTimeIdleFraction()).isCloseTo(0.4, within(1e-12));
            // u = (1, 0.5): (400 W + 100 W + 300 W * 0.5^0.7) * 0.01 s
            assertThat(m.getEnergyJoules()).isCloseTo((400 + 100 + 300 * Math.pow(0.5, 0.7)) * 0.01, within(1e-12));
            assertThat(m.getIdleEnergyJoules()).isCloseTo(100 * 0.01 * 0.5, within(1e-12));
        }
    }

    /**
     * One watermark that closes several steps of a cluster fires one timer per step; the first of them handles every
     * step the watermark closed, in close order, and the later ones do nothing (so cluster a's steps all come out at
     * its first timer, before cluster b's, whose first timer fires later). A step that arrives after its close time
     * passed is handled at the next watermark, in close order with the steps that watermark closes.
     */
    @Test
    void handlesEveryStepOneWatermarkClosesAtItsFirstTimerInCloseOrder() throws Exception {
        try (var h = harness(settings())) {
            h.processElement1(step("a", 2, T0 + 20, load("a", 0, 2, T0 + 20, 1, 5)), T0 + 20 + CLOSE);
            h.processElement1(step("b", 2, T0 + 30, load("b", 0, 2, T0 + 30, 1, 5)), T0 + 30 + CLOSE);
            h.processElement1(step("a", 1, T0, load("a", 0, 1, T0, 1, 5)), T0 + CLOSE);
            h.processElement1(step("b", 1, T0 + 10, load("b", 0, 1, T0 + 10, 1, 5)), T0 + 10 + CLOSE);
            h.processElement1(step("a", 4, T0 + 500, load("a", 0, 4, T0 + 500, 1, 5)), T0 + 500 + CLOSE);
            h.processBothWatermarks(new Watermark(T0 + 30 + CLOSE));

            // Timers fire at a's step 1, b's step 1, a's step 2, b's step 2: one timer per step would interleave the
            // clusters (a1 b1 a2 b2).
            assertThat(h.extractOutputValues())
                    .extracting(o -> o.metrics.getClusterId(), o -> o.metrics.getStep())
                    .containsExactly(tuple("a", 1L), tuple("a", 2L), tuple("b", 1L), tuple("b", 2L));

            // Closed before the watermark that was already passed: handled at the next one, before the step it closes.
            h.processElement1(step("a", 3, T0 + 25, load("a", 0, 3, T0 + 25, 1, 5)), T0 + 25 + CLOSE);
            h.processBothWatermarks(new Watermark(T0 + 500 + CLOSE));

            assertThat(h.extractOutputValues())
                    .extracting(o -> o.metrics.getClusterId(), o -> o.metrics.getStep())
                    .containsExactly(
                            tuple("a", 1L),
                            tuple("a", 2L),
                            tuple("b", 1L),
                            tuple("b", 2L),
                            tuple("a", 3L),
                            tuple("a", 4L));
        }
    }
}
