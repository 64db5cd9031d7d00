package io.dpbalance.engine.lookahead;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LookaheadTest {

    @Test
    void oracleKnowsTheExactRemainder() {
        assertThat(new OracleLookahead().remaining(0, 30, 100)).isEqualTo(70);
    }

    @Test
    void noneKnowsNothing() {
        assertThat(new NoLookahead().remaining(0, 30, 100)).isEqualTo(Lookahead.UNKNOWN);
    }

    @Test
    void noisyEstimatesStayWithinTheBoundAreStablePerRequestAndExactAtZeroNoise() {
        NoisyLookahead noisy = new NoisyLookahead(0.2, 7);
        boolean differs = false;
        for (long seq = 0; seq < 1000; seq++) {
            int estimate = noisy.estimate(seq, 100);
            assertThat(estimate).isBetween(80, 120);
            assertThat(noisy.estimate(seq, 100)).isEqualTo(estimate);
            differs |= estimate != 100;
        }
        assertThat(differs).isTrue();
        assertThat(new NoisyLookahead(0.0, 7).remaining(5, 30, 100)).isEqualTo(70);
    }

    @Test
    void noisyEndIsUnknownOnceARequestOutlivesItsEstimate() {
        NoisyLookahead noisy = new NoisyLookahead(0.5, 1);
        int estimate = noisy.estimate(3, 100);
        assertThat(noisy.remaining(3, estimate, 100)).isEqualTo(Lookahead.UNKNOWN);
        assertThat(noisy.remaining(3, estimate - 1, 100)).isEqualTo(1);
    }

    @Test
    void hazardLearnsTheSurvivalFunctionOfAGeometricDistribution() {
        double p = 0.01;
        HazardLookahead hazard = new HazardLookahead();
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 200_000; i++) {
            int length = 1 + (int) Math.floor(Math.log(1 - random.nextDouble()) / Math.log(1 - p));
            hazard.onFinished(length);
        }
        for (int x : new int[] {1, 50, 100, 200, 400}) {
            assertThat(hazard.survival(x)).as("S(%d)", x).isCloseTo(Math.pow(1 - p, x), within(0.005));
        }
        // memoryless: P(O > a + h | O > a) = (1 - p)^h whatever a is
        assertThat(hazard.conditionalSurvival(300, 50)).isCloseTo(Math.pow(1 - p, 50), within(0.02));
        // median residual life ln 2 / -ln(1 - p) ~ 69 at any age
        double median = Math.log(2) / -Math.log(1 - p);
        assertThat(hazard.remaining(0, 0, 0)).isCloseTo((int) Math.round(median), within(3));
        assertThat(hazard.remaining(0, 200, 0)).isCloseTo((int) Math.round(median), within(6));
    }

    @Test
    void hazardKnowsNothingBeforeAnyRequestFinishesOrBeyondTheLongestSeen() {
        HazardLookahead hazard = new HazardLookahead();
        assertThat(hazard.remaining(0, 5, 100)).isEqualTo(Lookahead.UNKNOWN);
        hazard.onFinished(10);
        hazard.onFinished(20);
        assertThat(hazard.remaining(0, 0, 100)).isEqualTo(10);
        assertThat(hazard.remaining(0, 15, 100)).isEqualTo(5);
        assertThat(hazard.remaining(0, 25, 100)).isEqualTo(Lookahead.UNKNOWN);
    }

    @Test
    void parsesEveryLookaheadAndRejectsOthers() {
        assertThat(Lookahead.parse("noisy:0.3", 1).name()).isEqualTo("noisy:0.3");
        assertThat(Lookahead.parse("HAZARD", 1)).isInstanceOf(HazardLookahead.class);
        assertThatThrownBy(() -> Lookahead.parse("crystal-ball", 1)).hasMessageContaining("expected oracle");
        assertThatThrownBy(() -> Lookahead.parse("noisy:x", 1)).hasMessageContaining("noisy:D");
    }
}
