package io.dpbalance.jobs.analytics;

import static io.dpbalance.jobs.analytics.LogFixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import io.dpbalance.jobs.common.Keys;
import io.dpbalance.schemas.StepMetrics;
import io.dpbalance.schemas.WindowMetrics;
import java.time.Duration;
import java.time.Instant;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class WindowMetricsFunctionTest {

    private static final long DELAY = 100;
    private static final long SIZE = 10_000;
    private static final long CLOSE = T0 + SIZE - 1 + DELAY;

    private static KeyedOneInputStreamOperatorTestHarness<String, StepOutcome, WindowMetrics> harness()
            throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(
                        new WindowMetricsFunction(Duration.ofMillis(SIZE), Duration.ofMillis(DELAY))),
                (StepOutcome o) -> Keys.clusterPolicy(o.clusterId, o.policy),
                Types.STRING);
    }

    private static StepOutcome step(
            long step,
            long start,
            long imbalance,
            double idle,
            long tokens,
            double seconds,
            double energy,
            long missing) {
        StepMetrics m = StepMetrics.newBuilder()
                .setClusterId("a")
                .setPolicy("observed")
                .setStep(step)
                .setStepStart(Instant.ofEpochMilli(start))
                .setRanks(4)
                .setRunning((int) tokens)
                .setMaxLoad(0)
                .setTotalLoad(0)
                .setImbalance(imbalance)
                .setIdleFraction(idle)
                .setStepSeconds(seconds)
                .setEnergyJoules(energy)
                .setIdleEnergyJoules(energy / 4)
                .setTokens(tokens)
                .build();
        return StepOutcome.step(m, missing);
    }

    @Test
    void rollsStepsUpIntoATumblingWindowThatClosesAfterItsEndPlusTheDelay() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement(step(1, T0, 10, 0.1, 8, 0.02, 4.0, 0), T0 + DELAY);
            h.processElement(step(2, T0 + 20, 30, 0.3, 6, 0.03, 6.0, 1), T0 + 20 + DELAY);
            h.processElement(step(3, T0 + SIZE, 50, 0.5, 2, 0.01, 1.0, 0), T0 + SIZE + DELAY);
            h.processWatermark(CLOSE - 1);
            assertThat(h.extractOutputValues()).isEmpty();

            h.processWatermark(CLOSE);

            WindowMetrics w = h.extractOutputValues().get(0);
            assertThat(w.getWindowStart()).isEqualTo(Instant.ofEpochMilli(T0));
            assertThat(w.getWindowEnd()).isEqualTo(Instant.ofEpochMilli(T0 + SIZE));
            assertThat(w.getSteps()).isEqualTo(2);
            assertThat(w.getAvgImbalance()).isEqualTo(20.0);
            assertThat(w.getAvgIdleFraction()).isCloseTo(0.2, within(1e-12));
            assertThat(w.getP50IdleFraction()).isCloseTo(0.2, within(1e-12));
            assertThat(w.getP99IdleFraction()).isCloseTo(0.1 + 0.2 * 0.99, within(1e-12));
            assertThat(w.getTokens()).isEqualTo(14);
            assertThat(w.getThroughputTokensPerS()).isCloseTo(14 / 0.05, within(1e-9));
            assertThat(w.getEnergyJoules()).isEqualTo(10.0);
            assertThat(w.getTokensPerJoule()).isCloseTo(1.4, within(1e-12));
            assertThat(w.getMissingRankSteps()).isEqualTo(1);
            assertThat(h.numKeyedStateEntries())
                    .as("the second window is still open")
                    .isEqualTo(1);
        }
    }

    /**
     * A sampled step counts as many steps as it stands for (the engine's StepAggregate weights it): steps is the steps
     * represented, samples the step metrics rolled up.
     */
    @Test
    void weightsASampledStepByTheStepsItStandsFor() throws Exception {
        try (var h = harness()) {
            h.open();
            StepOutcome sample = step(40, T0, 10, 0.1, 8, 0.02, 4.0, 0);
            sample.metrics.setSampledSteps(40L);
            StepOutcome single = step(41, T0 + 20, 30, 0.3, 6, 0.03, 6.0, 0);
            h.processElement(sample, T0 + DELAY);
            h.processElement(single, T0 + 20 + DELAY);
            h.processWatermark(CLOSE);

            WindowMetrics w = h.extractOutputValues().get(0);
            assertThat(w.getSteps()).isEqualTo(41);
            assertThat(w.getSamples()).isEqualTo(2);
            assertThat(w.getAvgImbalance()).isCloseTo((40 * 10 + 30) / 41.0, within(1e-12));
            assertThat(w.getAvgIdleFraction()).isCloseTo((40 * 0.1 + 0.3) / 41.0, within(1e-12));
            assertThat(w.getP50IdleFraction()).isCloseTo(0.1, within(1e-12));
            assertThat(w.getTokens()).isEqualTo(40 * 8 + 6);
            assertThat(w.getEnergyJoules()).isCloseTo(40 * 4.0 + 6.0, within(1e-12));
            assertThat(w.getThroughputTokensPerS()).isCloseTo((40 * 8 + 6) / (40 * 0.02 + 0.03), within(1e-9));
        }
    }

    @Test
    void countsLateRecordsInTheEarliestOpenWindowAndNeverChangesAClosedOne() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement(step(1, T0, 10, 0.1, 8, 0.02, 4.0, 0), T0 + DELAY);
            h.processWatermark(CLOSE);
            h.processElement(StepOutcome.late("a", "observed", T0 + 5, 3), CLOSE);
            h.processWatermark(CLOSE + SIZE);

            assertThat(h.extractOutputValues())
                    .extracting(WindowMetrics::getLateRecords, WindowMetrics::getSteps)
                    .containsExactly(tuple(0L, 1L), tuple(3L, 0L));
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }

    @Test
    void restoredWindowKeepsTheStepsOfBeforeTheSnapshot() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.open();
            h.processElement(step(1, T0, 10, 0.1, 8, 0.02, 4.0, 0), T0 + DELAY);
            snapshot = h.snapshot(1L, T0 + DELAY);
        }
        try (var restored = harness()) {
            restored.initializeState(snapshot);
            restored.open();
            restored.processElement(step(2, T0 + 20, 30, 0.3, 6, 0.03, 6.0, 0), T0 + 20 + DELAY);
            restored.processWatermark(CLOSE);

            assertThat(restored.extractOutputValues())
                    .singleElement()
                    .satisfies(w -> assertThat(w.getSteps()).isEqualTo(2));
        }
    }
}
