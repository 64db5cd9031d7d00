package io.dpbalance.engine.metrics;

import java.util.Arrays;

/**
 * The roll-up of a run of steps (docs/design.md §4): plain means of imbalance and idle fraction, idle-fraction percentiles,
 * sums of tokens, time and energy, and the ratios of those sums (throughput {@code Σ tokens / Σ T}, tokens per joule
 * {@code Σ tokens / Σ energy}). A mean or ratio over nothing is 0. The simulator's results and the jobs' window
 * metrics both come from here. A Flink POJO (public fields, no-argument constructor), so it can be keyed state.
 *
 * <p>Sampled steps (docs/ingest.md): a log that samples the cluster every k decode steps gives one step's metrics
 * standing for k steps. {@link #add(StepStats, long)} and its siblings weight such a sample k times, exactly as if
 * the same step had been added k times: every sum, mean and percentile counts it k times. This is the one place that
 * weighting is done. {@link #steps} counts the samples added, {@link #extraSteps} the steps they stand for beyond one
 * each, so {@link #totalSteps()} = {@code steps + extraSteps}; state written before sampling existed restores with
 * {@code extraSteps} 0 and no weights: every sample one step.
 */
public final class StepAggregate {

    /** Samples added: the used entries of {@link #idleFractions}. */
    public long steps;
    /** Steps the samples stand for beyond one each: {@code Σ (k - 1)}. */
    public long extraSteps;
    /** Weighted sums: a sample standing for k steps adds k times its value. */
    public double imbalanceSum;

    public double idleFractionSum;
    /** Each sample's idle fraction; the first {@link #steps} entries are used. */
    public double[] idleFractions = new double[16];
    /**
     * Each sample's weight (the steps it stands for), parallel to {@link #idleFractions}; null while every sample
     * stood for one step.
     */
    public long[] weights;

    public long tokens;
    public double seconds;
    public double energyJoules;
    public double idleEnergyJoules;

    public StepAggregate() {}

    public void add(StepStats m) {
        add(m, 1);
    }

    /** Adds a sample of the step {@code m} standing for {@code sampledSteps} steps. */
    public void add(StepStats m, long sampledSteps) {
        add(
                m.imbalance(),
                m.idleFraction(),
                m.tokens(),
                m.stepSeconds(),
                m.energyJoules(),
                m.idleEnergyJoules(),
                sampledSteps);
    }

    public void add(
            double imbalance,
            double idleFraction,
            long stepTokens,
            double stepSeconds,
            double energy,
            double idleEnergy) {
        add(imbalance, idleFraction, stepTokens, stepSeconds, energy, idleEnergy, 1);
    }

    /**
     * Adds one step's metrics, standing for {@code sampledSteps} steps (1 for a step that is not a sample): each
     * value counts that many times.
     *
     * @throws IllegalArgumentException if {@code sampledSteps < 1}
     */
    public void add(
            double imbalance,
            double idleFraction,
            long stepTokens,
            double stepSeconds,
            double energy,
            double idleEnergy,
            long sampledSteps) {
        if (sampledSteps < 1) {
            throw new IllegalArgumentException("a sample stands for at least 1 step, not " + sampledSteps);
        }
        int i = (int) steps;
        if (i == idleFractions.length) {
            idleFractions = Arrays.copyOf(idleFractions, idleFractions.length * 2);
        }
        idleFractions[i] = idleFraction;
        if (sampledSteps != 1 || weights != null) {
            if (weights == null) {
                weights = new long[idleFractions.length];
                Arrays.fill(weights, 0, i, 1);
            } else if (weights.length < idleFractions.length) {
                weights = Arrays.copyOf(weights, idleFractions.length);
            }
            weights[i] = sampledSteps;
        }
        steps++;
        extraSteps += sampledSteps - 1;
        imbalanceSum += sampledSteps * imbalance;
        idleFractionSum += sampledSteps * idleFraction;
        tokens += sampledSteps * stepTokens;
        seconds += sampledSteps * stepSeconds;
        energyJoules += sampledSteps * energy;
        idleEnergyJoules += sampledSteps * idleEnergy;
    }

    /**
     * Adds every sample of {@code other} (with its weight) to this roll-up: the result is the roll-up of both runs of
     * steps, as if this one's samples had been added and then {@code other}'s (sums are added as sums, so they may
     * differ from one-by-one adding in the last bits; merging into an empty roll-up gives {@code other}'s exactly).
     */
    public void merge(StepAggregate other) {
        int n = (int) other.steps;
        if (n == 0) {
            return;
        }
        int i = (int) steps;
        if (i + n > idleFractions.length) {
            idleFractions = Arrays.copyOf(idleFractions, Math.max(idleFractions.length * 2, i + n));
        }
        System.arraycopy(other.idleFractions, 0, idleFractions, i, n);
        if (weights != null || other.weights != null) {
            long[] merged = new long[idleFractions.length];
            if (weights != null) {
                System.arraycopy(weights, 0, merged, 0, i);
            } else {
                Arrays.fill(merged, 0, i, 1);
            }
            if (other.weights != null) {
                System.arraycopy(other.weights, 0, merged, i, n);
            } else {
                Arrays.fill(merged, i, i + n, 1);
            }
            weights = merged;
        }
        steps += n;
        extraSteps += other.extraSteps;
        imbalanceSum += other.imbalanceSum;
        idleFractionSum += other.idleFractionSum;
        tokens += other.tokens;
        seconds += other.seconds;
        energyJoules += other.energyJoules;
        idleEnergyJoules += other.idleEnergyJoules;
    }

    /** The decode steps the samples stand for: {@code steps + extraSteps}. */
    public long totalSteps() {
        return steps + extraSteps;
    }

    /** The samples added (each a step's metrics, standing for one or more steps). */
    public long samples() {
        return steps;
    }

    public double avgImbalance() {
        long n = totalSteps();
        return n == 0 ? 0.0 : imbalanceSum / n;
    }

    public double avgIdleFraction() {
        long n = totalSteps();
        return n == 0 ? 0.0 : idleFractionSum / n;
    }

    /**
     * Idle-fraction percentiles (linear interpolation) for each {@code q} in [0, 100], a sample standing for k steps
     * counted k times; 0 over no steps.
     */
    public double[] idleFractionPercentiles(double... qs) {
        double[] out = new double[qs.length];
        if (steps == 0) {
            return out;
        }
        if (weights == null) {
            double[] sorted = Percentiles.sortedCopy(idleFractions, (int) steps);
            for (int i = 0; i < qs.length; i++) {
                out[i] = Percentiles.ofSorted(sorted, qs[i]);
            }
            return out;
        }
        int n = (int) steps;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(idleFractions[a], idleFractions[b]));
        double[] sorted = new double[n];
        long[] cumulative = new long[n];
        long sum = 0;
        for (int i = 0; i < n; i++) {
            sorted[i] = idleFractions[order[i]];
            sum += weights[order[i]];
            cumulative[i] = sum;
        }
        for (int i = 0; i < qs.length; i++) {
            out[i] = Percentiles.ofWeightedSorted(sorted, cumulative, qs[i]);
        }
        return out;
    }

    public double throughputTokensPerS() {
        return seconds > 0 ? tokens / seconds : 0.0;
    }

    public double tokensPerJoule() {
        return energyJoules > 0 ? tokens / energyJoules : 0.0;
    }
}
