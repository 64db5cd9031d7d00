package io.dpbalance.engine.metrics;

import java.util.Arrays;

/**
 * The roll-up of a run of steps (docs/design.md §4): plain means of imbalance and idle fraction, idle-fraction percentiles,
 * sums of tokens, time and energy, and the ratios of those sums (throughput {@code Σ tokens / Σ T}, tokens per joule
 * {@code Σ tokens / Σ energy}). A mean or ratio over nothing is 0. The simulator's results and the jobs' window
 * metrics both come from here. A Flink POJO (public fields, no-argument constructor), so it can be keyed state.
 */
public final class StepAggregate {

    public long steps;
    public double imbalanceSum;
    public double idleFractionSum;
    /** Each step's idle fraction; the first {@link #steps} entries are used. */
    public double[] idleFractions = new double[16];
    public long tokens;
    public double seconds;
    public double energyJoules;
    public double idleEnergyJoules;

    public StepAggregate() {
    }

    public void add(StepMetrics m) {
        add(m.imbalance(), m.idleFraction(), m.tokens(), m.stepSeconds(), m.energyJoules(), m.idleEnergyJoules());
    }

    public void add(double imbalance, double idleFraction, long stepTokens, double stepSeconds, double energy,
                    double idleEnergy) {
        if (steps == idleFractions.length) {
            idleFractions = Arrays.copyOf(idleFractions, idleFractions.length * 2);
        }
        idleFractions[(int) steps] = idleFraction;
        steps++;
        imbalanceSum += imbalance;
        idleFractionSum += idleFraction;
        tokens += stepTokens;
        seconds += stepSeconds;
        energyJoules += energy;
        idleEnergyJoules += idleEnergy;
    }

    public double avgImbalance() {
        return steps == 0 ? 0.0 : imbalanceSum / steps;
    }

    public double avgIdleFraction() {
        return steps == 0 ? 0.0 : idleFractionSum / steps;
    }

    /** Idle-fraction percentiles (linear interpolation) for each {@code q} in [0, 100]; 0 over no steps. */
    public double[] idleFractionPercentiles(double... qs) {
        double[] out = new double[qs.length];
        if (steps == 0) {
            return out;
        }
        double[] sorted = Percentiles.sortedCopy(idleFractions, (int) steps);
        for (int i = 0; i < qs.length; i++) {
            out[i] = Percentiles.ofSorted(sorted, qs[i]);
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
