package io.dpbalance.engine.trace;

import io.dpbalance.engine.model.Request;
import java.util.Arrays;
import java.util.function.ToIntFunction;
import java.util.random.RandomGenerator;

/**
 * A distribution of prompt or output lengths in tokens for a synthetic workload. Every sample is an integer
 * {@code >= 1}; the continuous and unbounded distributions are rounded and clipped to {@code [1, max]}
 * ({@link #NO_MAX} for no upper clip).
 */
public sealed interface LengthDistribution {

    int NO_MAX = Integer.MAX_VALUE;

    int sample(RandomGenerator random);

    /** The distribution in the syntax of {@link SyntheticWorkload}. */
    String spec();

    /**
     * Log-normal lengths with the given {@code mean} (of the lengths themselves, before rounding and clipping) and
     * {@code sigma}, the standard deviation of the log of the lengths: {@code ln L ~ Normal(ln(mean) - sigma^2 / 2,
     * sigma)}. The coefficient of variation is {@code sqrt(exp(sigma^2) - 1)}, 1.31 for sigma = 1.
     */
    record LogNormal(double mean, double sigma, int max) implements LengthDistribution {

        public LogNormal {
            if (!(mean > 0) || Double.isInfinite(mean)) {
                throw new IllegalArgumentException("log-normal mean must be a finite number > 0, got " + mean);
            }
            if (!(sigma >= 0) || Double.isInfinite(sigma)) {
                throw new IllegalArgumentException("log-normal sigma must be a finite number >= 0, got " + sigma);
            }
            requireMax(max);
        }

        @Override
        public int sample(RandomGenerator random) {
            double mu = Math.log(mean) - sigma * sigma / 2;
            return clip(Math.exp(mu + sigma * random.nextGaussian()), max);
        }

        @Override
        public String spec() {
            return "lognormal:mean=" + SpecNumbers.format(mean) + ",sigma=" + SpecNumbers.format(sigma) + maxSpec(max);
        }
    }

    /**
     * Geometric lengths on {@code 1, 2, ...} with the given mean ({@code >= 1}): success probability
     * {@code 1 / mean}.
     */
    record Geometric(double mean, int max) implements LengthDistribution {

        public Geometric {
            if (!(mean >= 1) || Double.isInfinite(mean)) {
                throw new IllegalArgumentException("geometric mean must be a finite number >= 1, got " + mean);
            }
            requireMax(max);
        }

        @Override
        public int sample(RandomGenerator random) {
            if (mean == 1) {
                return 1;
            }
            // Inversion: the number of trials up to the first success is 1 + floor(ln U / ln(1 - p)), U in (0, 1].
            double uniform = 1 - random.nextDouble();
            return clip(1 + Math.floor(Math.log(uniform) / Math.log1p(-1 / mean)), max);
        }

        @Override
        public String spec() {
            return "geometric:mean=" + SpecNumbers.format(mean) + maxSpec(max);
        }
    }

    /** Every length the same. */
    record Constant(int value) implements LengthDistribution {

        public Constant {
            if (value < 1) {
                throw new IllegalArgumentException("a constant length must be >= 1, got " + value);
            }
        }

        @Override
        public int sample(RandomGenerator random) {
            return value;
        }

        @Override
        public String spec() {
            return "constant:value=" + value;
        }
    }

    /** Lengths uniform on the integers {@code low..high}, both included. */
    record Uniform(int low, int high) implements LengthDistribution {

        public Uniform {
            if (low < 1 || high < low) {
                throw new IllegalArgumentException(
                        "uniform lengths need 1 <= low <= high, got low " + low + " and high " + high);
            }
        }

        @Override
        public int sample(RandomGenerator random) {
            return (int) random.nextLong(low, (long) high + 1);
        }

        @Override
        public String spec() {
            return "uniform:low=" + low + ",high=" + high;
        }
    }

    /**
     * Lengths drawn uniformly, with replacement, from the prompt or output lengths of a workload read from a trace;
     * prompt and output lengths are drawn independently, so their correlation in the trace is not kept.
     */
    final class Empirical implements LengthDistribution {

        private final int[] lengths;
        private final int max;
        private final String spec;

        private Empirical(int[] lengths, int max, String spec) {
            requireMax(max);
            this.lengths = lengths;
            this.max = max;
            this.spec = spec;
        }

        /**
         * @param traceSpec how the trace is named in the spec, such as {@code trace=azure.csv,format=azure}
         */
        public static Empirical ofPrompts(Workload trace, int max, String traceSpec) {
            return of(trace, Request::promptTokens, max, traceSpec);
        }

        /** As {@link #ofPrompts}, for output lengths. */
        public static Empirical ofOutputs(Workload trace, int max, String traceSpec) {
            return of(trace, Request::outputTokens, max, traceSpec);
        }

        private static Empirical of(Workload trace, ToIntFunction<Request> length, int max, String traceSpec) {
            int[] lengths = trace.requests().stream().mapToInt(length).toArray();
            if (lengths.length == 0) {
                throw new IllegalArgumentException("empirical lengths need a workload with requests: " + traceSpec);
            }
            return new Empirical(lengths, max, "empirical:" + traceSpec + maxSpec(max));
        }

        /** The lengths sampled from, in trace order. */
        public int[] lengths() {
            return Arrays.copyOf(lengths, lengths.length);
        }

        @Override
        public int sample(RandomGenerator random) {
            return Math.min(max, lengths[random.nextInt(lengths.length)]);
        }

        @Override
        public String spec() {
            return spec;
        }

        @Override
        public String toString() {
            return spec;
        }
    }

    private static int clip(double length, int max) {
        return (int) Math.max(1, Math.min(max, Math.round(length)));
    }

    private static void requireMax(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("the length clip max must be >= 1, got " + max);
        }
    }

    private static String maxSpec(int max) {
        return max == NO_MAX ? "" : ",max=" + max;
    }
}
