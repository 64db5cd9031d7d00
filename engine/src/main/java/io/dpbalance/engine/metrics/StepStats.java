package io.dpbalance.engine.metrics;

/**
 * The metrics of one closed step window (docs/design.md §4), on the loads after decode and departures.
 *
 * @param step              step number, 1-based per cluster
 * @param stepStart         clock at the start of the step, seconds
 * @param ranks             G
 * @param tokens            running requests at step start (one token each)
 * @param maxLoad           max_g L_g
 * @param totalLoad         sum_g L_g
 * @param imbalance         G * max L - sum L
 * @param idleFraction      mean_g (1 - L_g / max L), 0 when max L = 0
 * @param timeIdleFraction  sum_g (T - c_g) / (G T) from measured compute times, NaN when not measured
 * @param stepSeconds       T(k)
 * @param energyJoules      sum_g P_g T
 * @param idleEnergyJoules  sum_g P_idle T (1 - u_g)
 */
public record StepStats(
        long step,
        double stepStart,
        int ranks,
        long tokens,
        long maxLoad,
        long totalLoad,
        long imbalance,
        double idleFraction,
        double timeIdleFraction,
        double stepSeconds,
        double energyJoules,
        double idleEnergyJoules) {}
