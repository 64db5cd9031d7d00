package io.dpbalance.jobs.analytics;

import static io.dpbalance.jobs.analytics.LogFixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.dpbalance.schemas.StepMetrics;
import io.dpbalance.schemas.WindowMetrics;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The window roll-up of step metrics (the engine's StepAggregate behind WindowAggregate), as WindowMetricsFunctionTest
 * checked it when a separate operator rolled the windows up; the window rules (close time, late records, restore) are
 * StepMetricsWindowsTest's.
 */
class WindowAggregateTest {

    private static final long SIZE = 10_000;

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

    private static WindowMetrics rollUp(StepOutcome... steps) {
        WindowAggregate window = new WindowAggregate("a", "observed");
        for (StepOutcome step : steps) {
            window.add(step.metrics, step.missingRankSteps);
        }
        return window.toRecord(T0, T0 + SIZE);
    }

    @Test
    void rollsStepsUpIntoWindowMetrics() {
        WindowMetrics w = rollUp(step(1, T0, 10, 0.1, 8, 0.02, 4.0, 0), step(2, T0 + 20, 30, 0.3, 6, 0.03, 6.0, 1));
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
    }

    /**
     * A sampled step counts as many steps as it stands for (the engine's StepAggregate weights it): steps is the steps
     * represented, samples the step metrics rolled up.
     */
    @Test
    void weightsASampledStepByTheStepsItStandsFor() {
        StepOutcome sample = step(40, T0, 10, 0.1, 8, 0.02, 4.0, 0);
        sample.metrics.setSampledSteps(40L);
        StepOutcome single = step(41, T0 + 20, 30, 0.3, 6, 0.03, 6.0, 0);
        WindowMetrics w = rollUp(sample, single);
        assertThat(w.getSteps()).isEqualTo(41);
        assertThat(w.getSamples()).isEqualTo(2);
        assertThat(w.getAvgImbalance()).isCloseTo((40 * 10 + 30) / 41.0, within(1e-12));
        assertThat(w.getAvgIdleFraction()).isCloseTo((40 * 0.1 + 0.3) / 41.0, within(1e-12));
        assertThat(w.getP50IdleFraction()).isCloseTo(0.1, within(1e-12));
        assertThat(w.getTokens()).isEqualTo(40 * 8 + 6);
        assertThat(w.getEnergyJoules()).isCloseTo(40 * 4.0 + 6.0, within(1e-12));
        assertThat(w.getThroughputTokensPerS()).isCloseTo((40 * 8 + 6) / (40 * 0.02 + 0.03), within(1e-9));
    }

    /** A window carried from the previous state layout and merged rolls up as its steps added one by one. */
    @Test
    void aMergedWindowRollsUpAsItsStepsAddedToOne() {
        WindowAggregate carried = new WindowAggregate("a", "observed");
        carried.add(step(1, T0, 10, 0.1, 8, 0.02, 4.0, 0).metrics, 0);
        carried.addLate(2);
        WindowAggregate window = new WindowAggregate("a", "observed");
        window.addLate(1);
        window.merge(carried);
        StepOutcome second = step(2, T0 + 20, 30, 0.3, 6, 0.03, 6.0, 1);
        window.add(second.metrics, second.missingRankSteps);

        WindowMetrics w = window.toRecord(T0, T0 + SIZE);
        assertThat(w.toString())
                .isEqualTo(WindowMetrics.newBuilder(rollUp(step(1, T0, 10, 0.1, 8, 0.02, 4.0, 0), second))
                        .setLateRecords(3)
                        .build()
                        .toString());
    }
}
