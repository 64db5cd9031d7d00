package io.dpbalance.engine.metrics;

/**
 * Every per-step formula of docs/design.md §4, in one place. The simulator, the analytics job and the shadow job all call
 * these functions; nothing else computes imbalance, idle fraction or energy.
 */
public final class StepStatsCalculator {

    private StepStatsCalculator() {}

    public static long maxLoad(long[] loads, int ranks) {
        long max = 0;
        for (int g = 0; g < ranks; g++) {
            max = Math.max(max, loads[g]);
        }
        return max;
    }

    public static long totalLoad(long[] loads, int ranks) {
        long sum = 0;
        for (int g = 0; g < ranks; g++) {
            sum += loads[g];
        }
        return sum;
    }

    /** {@code G * max L - sum L}: the sum of every rank's gap to the busiest rank. */
    public static long imbalance(long[] loads, int ranks) {
        return ranks * maxLoad(loads, ranks) - totalLoad(loads, ranks);
    }

    /** {@code mean_g (1 - L_g / max L)}; 0 when {@code max L = 0}. */
    public static double idleFraction(long[] loads, int ranks) {
        long max = maxLoad(loads, ranks);
        if (max == 0) {
            return 0.0;
        }
        double sum = 0.0;
        for (int g = 0; g < ranks; g++) {
            sum += 1.0 - (double) loads[g] / max;
        }
        return sum / ranks;
    }

    /** {@code sum_g (T - c_g) / (G T)} from measured per-rank compute seconds; NaN when {@code T <= 0}. */
    public static double timeIdleFraction(double stepSeconds, double[] computeSeconds, int ranks) {
        if (!(stepSeconds > 0)) {
            return Double.NaN;
        }
        double idle = 0.0;
        for (int g = 0; g < ranks; g++) {
            idle += stepSeconds - Math.min(stepSeconds, Math.max(0.0, computeSeconds[g]));
        }
        return idle / (ranks * stepSeconds);
    }

    /**
     * All metrics of one step.
     *
     * @param loads            per-rank resident tokens after decode and departures (first {@code ranks} entries)
     * @param computeSeconds   measured per-rank compute seconds, or null when the source has none
     */
    public static StepStats compute(
            long step,
            double stepStart,
            long[] loads,
            int ranks,
            long tokens,
            double stepSeconds,
            double[] computeSeconds,
            PowerProfile power) {
        long max = maxLoad(loads, ranks);
        long total = totalLoad(loads, ranks);
        double idleSum = 0.0;
        double energy = 0.0;
        double idleEnergy = 0.0;
        for (int g = 0; g < ranks; g++) {
            double u = max == 0 ? 0.0 : (double) loads[g] / max;
            idleSum += 1.0 - u;
            energy += power.watts(u) * stepSeconds;
            idleEnergy += power.idleWatts() * stepSeconds * (1.0 - u);
        }
        double idleFraction = max == 0 ? 0.0 : idleSum / ranks;
        double timeIdle = computeSeconds == null ? Double.NaN : timeIdleFraction(stepSeconds, computeSeconds, ranks);
        return new StepStats(
                step,
                stepStart,
                ranks,
                tokens,
                max,
                total,
                ranks * max - total,
                idleFraction,
                timeIdle,
                stepSeconds,
                energy,
                idleEnergy);
    }
}
