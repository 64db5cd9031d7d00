package io.dpbalance.engine.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.withinPercentage;

import io.dpbalance.engine.model.Request;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LengthDistributionTest {

    private static final int SAMPLES = 100_000;

    private static int[] sample(LengthDistribution distribution, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] lengths = new int[SAMPLES];
        for (int i = 0; i < SAMPLES; i++) {
            lengths[i] = distribution.sample(random);
        }
        return lengths;
    }

    private static double mean(int[] values) {
        return Arrays.stream(values).average().orElseThrow();
    }

    @Test
    void geometricHasTheGivenMeanAndSupportFromOne() {
        int[] lengths = sample(new LengthDistribution.Geometric(128, LengthDistribution.NO_MAX), 1);

        assertThat(mean(lengths)).isCloseTo(128, withinPercentage(1.5));
        assertThat(Arrays.stream(lengths).min().orElseThrow()).isEqualTo(1);
        // P(L = 1) = 1 / mean
        assertThat(Arrays.stream(lengths).filter(length -> length == 1).count() / (double) SAMPLES)
                .isCloseTo(1 / 128.0, withinPercentage(10));
    }

    @Test
    void geometricWithMeanOneIsAlwaysOne() {
        assertThat(sample(new LengthDistribution.Geometric(1, LengthDistribution.NO_MAX), 2))
                .containsOnly(1);
    }

    @Test
    void logNormalHasTheGivenMeanAndMedianExpOfMu() {
        int[] lengths = sample(new LengthDistribution.LogNormal(1000, 1.0, LengthDistribution.NO_MAX), 3);
        int[] sorted = lengths.clone();
        Arrays.sort(sorted);

        assertThat(mean(lengths)).isCloseTo(1000, withinPercentage(2));
        // median = exp(ln(1000) - 1/2)
        assertThat((double) sorted[SAMPLES / 2]).isCloseTo(1000 * Math.exp(-0.5), withinPercentage(2));
    }

    @Test
    void clipsToOneAndMax() {
        int[] lengths = sample(new LengthDistribution.LogNormal(20, 2.0, 64), 4);

        assertThat(Arrays.stream(lengths).min().orElseThrow()).isEqualTo(1);
        assertThat(Arrays.stream(lengths).max().orElseThrow()).isEqualTo(64);
        int[] clippedGeometric = sample(new LengthDistribution.Geometric(100, 10), 5);
        assertThat(Arrays.stream(clippedGeometric).min().orElseThrow()).isEqualTo(1);
        assertThat(Arrays.stream(clippedGeometric).max().orElseThrow()).isEqualTo(10);
    }

    @Test
    void uniformCoversBothEnds() {
        int[] lengths = sample(new LengthDistribution.Uniform(3, 7), 6);

        assertThat(Arrays.stream(lengths).distinct().sorted().toArray()).containsExactly(3, 4, 5, 6, 7);
        assertThat(mean(lengths)).isCloseTo(5, withinPercentage(1));
    }

    @Test
    void constantIsConstant() {
        assertThat(sample(new LengthDistribution.Constant(128), 7)).containsOnly(128);
    }

    @Test
    void empiricalDrawsTheTraceLengthsInTheirProportions() {
        Workload trace = new Workload(
                "t.csv",
                WorkloadFormat.AZURE,
                true,
                List.of(
                        new Request("a", 0, 0, 10, 1),
                        new Request("b", 1, 0, 10, 2),
                        new Request("c", 2, 0, 10, 3),
                        new Request("d", 3, 0, 40, 4)),
                Map.of());

        int[] prompts =
                sample(LengthDistribution.Empirical.ofPrompts(trace, LengthDistribution.NO_MAX, "trace=t.csv"), 8);
        int[] outputs = sample(LengthDistribution.Empirical.ofOutputs(trace, 3, "trace=t.csv"), 9);

        assertThat(prompts).containsOnly(10, 40);
        assertThat(Arrays.stream(prompts).filter(length -> length == 40).count() / (double) SAMPLES)
                .isCloseTo(0.25, withinPercentage(3));
        assertThat(outputs).containsOnly(1, 2, 3);
    }

    @Test
    void refusesParametersOutsideTheirRange() {
        assertThatThrownBy(() -> new LengthDistribution.Geometric(0.5, 10))
                .hasMessage("geometric mean must be a finite number >= 1, got 0.5");
        assertThatThrownBy(() -> new LengthDistribution.LogNormal(100, -1, 10))
                .hasMessage("log-normal sigma must be a finite number >= 0, got -1.0");
        assertThatThrownBy(() -> new LengthDistribution.Uniform(5, 4))
                .hasMessage("uniform lengths need 1 <= low <= high, got low 5 and high 4");
        assertThatThrownBy(() -> new LengthDistribution.Constant(0))
                .hasMessage("a constant length must be >= 1, got 0");
        assertThatThrownBy(() -> new LengthDistribution.Geometric(2, 0))
                .hasMessage("the length clip max must be >= 1, got 0");
    }
}
