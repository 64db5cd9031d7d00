package io.dpbalance.engine.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class StepAggregateTest {

    private static final double[] QS = {0, 10, 50, 95, 99, 100};

    private static StepStats step(Random random, long k) {
        long[] loads = new long[4];
        for (int g = 0; g < loads.length; g++) {
            loads[g] = random.nextInt(5000);
        }
        return StepStatsCalculator.compute(
                k,
                k * 0.05,
                loads,
                loads.length,
                random.nextInt(64),
                0.02 + random.nextDouble() * 0.03,
                null,
                PowerProfile.REFERENCE);
    }

    /** A sample standing for k steps is the same step added k times: every sum, mean, ratio and percentile. */
    @Test
    void aSampleStandingForKStepsCountsAsTheStepAddedKTimes() {
        Random random = new Random(11);
        StepAggregate weighted = new StepAggregate();
        StepAggregate repeated = new StepAggregate();
        long represented = 0;
        for (int i = 0; i < 300; i++) {
            StepStats m = step(random, i + 1);
            long k = i < 5 ? 1 : 1 + random.nextInt(60);
            weighted.add(m, k);
            for (long j = 0; j < k; j++) {
                repeated.add(m);
            }
            represented += k;
        }

        assertThat(weighted.samples()).isEqualTo(300);
        assertThat(weighted.totalSteps()).isEqualTo(represented).isEqualTo(repeated.totalSteps());
        assertThat(repeated.samples()).isEqualTo(represented);
        assertThat(weighted.tokens).isEqualTo(repeated.tokens);
        assertThat(weighted.avgImbalance()).isCloseTo(repeated.avgImbalance(), within(1e-9 * repeated.avgImbalance()));
        assertThat(weighted.avgIdleFraction()).isCloseTo(repeated.avgIdleFraction(), within(1e-12));
        assertThat(weighted.energyJoules).isCloseTo(repeated.energyJoules, within(1e-9 * repeated.energyJoules));
        assertThat(weighted.idleEnergyJoules)
                .isCloseTo(repeated.idleEnergyJoules, within(1e-9 * repeated.idleEnergyJoules));
        assertThat(weighted.throughputTokensPerS())
                .isCloseTo(repeated.throughputTokensPerS(), within(1e-9 * repeated.throughputTokensPerS()));
        assertThat(weighted.tokensPerJoule()).isCloseTo(repeated.tokensPerJoule(), within(1e-12));
        assertThat(weighted.idleFractionPercentiles(QS)).containsExactly(repeated.idleFractionPercentiles(QS));
    }

    /** Two runs of steps merged roll up as both runs added to one: every sum, mean, ratio, percentile and weight. */
    @Test
    void mergingTwoRollUpsEqualsAddingBothRunsToOne() {
        Random random = new Random(5);
        StepAggregate first = new StepAggregate();
        StepAggregate second = new StepAggregate();
        StepAggregate both = new StepAggregate();
        StepAggregate firstAlone = new StepAggregate();
        for (int i = 0; i < 40; i++) {
            StepStats m = step(random, i + 1);
            // Unweighted first run, partly sampled second run: the merge must weight the first run's samples 1.
            long k = i < 25 ? 1 : 1 + random.nextInt(9);
            (i < 25 ? first : second).add(m, k);
            both.add(m, k);
            if (i < 25) {
                firstAlone.add(m, k);
            }
        }
        StepAggregate empty = new StepAggregate();
        empty.merge(first);
        first.merge(second);

        assertThat(first.samples()).isEqualTo(40).isEqualTo(both.samples());
        assertThat(first.totalSteps()).isEqualTo(both.totalSteps());
        assertThat(first.tokens).isEqualTo(both.tokens);
        assertThat(first.avgImbalance()).isCloseTo(both.avgImbalance(), within(1e-9 * both.avgImbalance()));
        assertThat(first.avgIdleFraction()).isCloseTo(both.avgIdleFraction(), within(1e-12));
        assertThat(first.energyJoules).isCloseTo(both.energyJoules, within(1e-9 * both.energyJoules));
        assertThat(first.idleEnergyJoules).isCloseTo(both.idleEnergyJoules, within(1e-9 * both.idleEnergyJoules));
        assertThat(first.throughputTokensPerS())
                .isCloseTo(both.throughputTokensPerS(), within(1e-9 * both.throughputTokensPerS()));
        assertThat(first.idleFractionPercentiles(QS)).containsExactly(both.idleFractionPercentiles(QS));
        // Into an empty roll-up, a merge is a copy: no sum changes in its last bits.
        assertThat(empty.imbalanceSum).isEqualTo(firstAlone.imbalanceSum);
        assertThat(empty.idleFractionSum).isEqualTo(firstAlone.idleFractionSum);
        assertThat(empty.seconds).isEqualTo(firstAlone.seconds);
        assertThat(empty.weights).isNull();
        assertThat(empty.idleFractionPercentiles(QS)).containsExactly(firstAlone.idleFractionPercentiles(QS));
    }

    @Test
    void weightsOneKeepTheUnweightedRollUp() {
        StepAggregate a = new StepAggregate();
        a.add(20, 0.5, 10, 0.1, 100, 10);
        a.add(40, 0.25, 30, 0.3, 300, 30, 1);
        assertThat(a.weights).isNull();
        assertThat(a.steps).isEqualTo(2);
        assertThat(a.extraSteps).isZero();
        assertThat(a.avgImbalance()).isEqualTo(30);
        assertThat(a.idleFractionPercentiles(50)).containsExactly(0.375);
    }

    @Test
    void weightsTheMeansAndSums() {
        StepAggregate a = new StepAggregate();
        a.add(20, 0.5, 10, 0.1, 100, 10); // one step
        a.add(40, 0.25, 30, 0.3, 300, 30, 3); // a sample of three
        assertThat(a.samples()).isEqualTo(2);
        assertThat(a.totalSteps()).isEqualTo(4);
        assertThat(a.avgImbalance()).isEqualTo((20 + 3 * 40) / 4.0);
        assertThat(a.avgIdleFraction()).isEqualTo((0.5 + 3 * 0.25) / 4.0);
        assertThat(a.tokens).isEqualTo(100);
        assertThat(a.energyJoules).isEqualTo(1000);
        // 0.25, 0.25, 0.25, 0.5: the median is the 2nd/3rd, the maximum the one-step sample
        assertThat(a.idleFractionPercentiles(50, 100)).containsExactly(0.25, 0.5);
    }

    /** State written before sampling: no weights array, extraSteps 0; adding a sample to it weights the old ones 1. */
    @Test
    void stateFromBeforeSamplingTakesSamples() {
        StepAggregate old = new StepAggregate();
        for (int i = 0; i < 20; i++) {
            old.add(i, i / 100.0, 1, 0.1, 1, 0);
        }
        old.weights = null;
        old.extraSteps = 0;
        old.add(100, 0.9, 1, 0.1, 1, 0, 40);
        assertThat(old.totalSteps()).isEqualTo(60);
        assertThat(old.weights).hasSizeGreaterThanOrEqualTo(21);
        assertThat(old.weights[0]).isEqualTo(1);
        assertThat(old.weights[20]).isEqualTo(40);
        assertThat(old.idleFractionPercentiles(50)).containsExactly(0.9);
    }

    @Test
    void refusesASampleOfNoSteps() {
        assertThatThrownBy(() -> new StepAggregate().add(1, 0.1, 1, 0.1, 1, 0, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
