package io.dpbalance.engine.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class StepStatsCalculatorTest {

    private static final long[] LOADS = {10, 4, 0, 6};

    @Test
    void imbalanceIsEveryRanksGapToTheBusiestRank() {
        // G * max - sum = 4 * 10 - 20
        assertThat(StepStatsCalculator.imbalance(LOADS, 4)).isEqualTo(20);
    }

    @Test
    void idleFractionIsTheMeanRelativeGapAndEqualsImbalanceOverGTimesMax() {
        // (0 + 0.6 + 1 + 0.4) / 4
        assertThat(StepStatsCalculator.idleFraction(LOADS, 4)).isCloseTo(0.5, within(1e-15));
        assertThat(StepStatsCalculator.idleFraction(LOADS, 4))
                .isCloseTo(StepStatsCalculator.imbalance(LOADS, 4) / (4.0 * 10), within(1e-15));
    }

    @Test
    void emptyClusterHasNoImbalanceAndNoIdleFractionButDrawsIdlePower() {
        StepStats m =
                StepStatsCalculator.compute(3, 1.0, new long[] {0, 0, 0}, 3, 0, 2.0, null, PowerProfile.REFERENCE);
        assertThat(m.imbalance()).isZero();
        assertThat(m.idleFraction()).isZero();
        assertThat(m.energyJoules()).isCloseTo(3 * 100.0 * 2.0, within(1e-12));
    }

    @Test
    void energySumsEveryRanksSublinearPowerOverTheStep() {
        StepStats m = StepStatsCalculator.compute(1, 0.0, LOADS, 4, 7, 2.0, null, PowerProfile.REFERENCE);
        // u = (1, 0.4, 0, 0.6); P = 100 + 300 u^0.7 (100 W at u = 0); computed independently
        assertThat(m.energyJoules()).isCloseTo(2135.5526432888746, within(1e-9));
        // P_idle * T * sum(1 - u) = 100 * 2 * 2
        assertThat(m.idleEnergyJoules()).isCloseTo(400.0, within(1e-9));
        assertThat(m.maxLoad()).isEqualTo(10);
        assertThat(m.totalLoad()).isEqualTo(20);
        assertThat(m.tokens()).isEqualTo(7);
        assertThat(m.timeIdleFraction()).isNaN();
    }

    @Test
    void timeIdleFractionComesFromMeasuredComputeTimes() {
        double[] compute = {1.0, 0.5, 0.25, 0.0};
        // (0 + 0.5 + 0.75 + 1) / (4 * 1)
        assertThat(StepStatsCalculator.timeIdleFraction(1.0, compute, 4)).isCloseTo(0.5625, within(1e-15));
        StepStats m = StepStatsCalculator.compute(1, 0.0, LOADS, 4, 7, 1.0, compute, PowerProfile.REFERENCE);
        assertThat(m.timeIdleFraction()).isCloseTo(0.5625, within(1e-15));
    }

    @Test
    void powerIsIdleAtZeroUtilizationAndPeakAtFull() {
        PowerProfile p = PowerProfile.REFERENCE;
        assertThat(p.watts(0)).isEqualTo(100.0);
        assertThat(p.watts(1)).isEqualTo(400.0);
        assertThat(p.watts(0.5)).isCloseTo(100 + 300 * Math.pow(0.5, 0.7), within(1e-12));
    }

    @Test
    void powerProfilesParseByPresetNameOrByValues() {
        assertThat(PowerProfile.parse("h100").maxWatts()).isEqualTo(700.0);
        PowerProfile custom = PowerProfile.parse("idle=50,max=500,gamma=1");
        assertThat(custom.watts(0.5)).isCloseTo(275.0, within(1e-12));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PowerProfile.parse("tpu"))
                .hasMessageContaining("unknown power profile 'tpu'");
    }

    @Test
    void referenceCostModelHasThePapersConstants() {
        CostModel c = CostModel.reference(72);
        assertThat(c.fixedSeconds()).isCloseTo((72 * 0.6e-3 + 35e-3) / 16, within(1e-18));
        assertThat(c.secondsPerToken()).isCloseTo(1.5 * 2 * 576 * 61e-6 / 1048576, within(1e-20));
        assertThat(c.stepSeconds(1000)).isCloseTo(c.fixedSeconds() + 1000 * c.secondsPerToken(), within(1e-18));
        assertThat(CostModel.parse("affine:c=1,t=0.5", 8).stepSeconds(4)).isEqualTo(3.0);
    }
}
