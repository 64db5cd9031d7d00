package io.dpbalance.engine.sim;

/**
 * The outcome of one policy on one workload (docs/design.md §4, §9). Averages (imbalance, idle fraction) and totals
 * (tokens, seconds, energy) cover the averaged steps: 1..K* in pool mode, every step in arrival mode. TPOT and
 * latencies cover every finished request; latencies are NaN in pool mode.
 */
public record SimulationResult(
        String policy,
        WorkloadMode mode,
        int ranks,
        int batch,
        long steps,
        long averagedSteps,
        double avgImbalance,
        double avgIdleFraction,
        long tokens,
        double seconds,
        double throughputTokensPerS,
        double energyJoules,
        double idleEnergyJoules,
        double tokensPerJoule,
        long finished,
        double meanTpotS,
        double queueWaitP50S,
        double queueWaitP95S,
        double queueWaitP99S,
        double e2eP50S,
        double e2eP95S,
        double e2eP99S,
        long decisions,
        double decisionP50Us,
        double decisionP99Us,
        long maxWaitSteps,
        double wallMs) {}
