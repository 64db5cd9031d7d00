package io.dpbalance.report;

/**
 * One JSON line of {@code bin/dpbalance simulate --json} (one policy on one workload) or of {@code sweep --json} (one
 * policy in one cell of the ranks x batch grid; it adds {@code imbalance_ratio}). Fields the line does not carry are
 * {@code NaN}: the latency percentiles exist in arrival mode only, the ratio in sweep rows only.
 *
 * @param source the file and line the row came from
 */
public record SimRow(
        Kind kind,
        String policy,
        String mode,
        int ranks,
        int batch,
        double avgImbalance,
        double avgIdleFraction,
        double energyJoules,
        double tokensPerJoule,
        long tokens,
        long steps,
        double throughputTokensPerS,
        double queueWaitP50S,
        double queueWaitP95S,
        double queueWaitP99S,
        double e2eP50S,
        double e2eP95S,
        double e2eP99S,
        double imbalanceRatio,
        String source) {

    /** Which command printed the row. */
    public enum Kind {
        SIMULATE,
        SWEEP
    }

    /** Arrival-mode rows carry queue-wait and end-to-end latency percentiles. */
    public boolean hasLatencies() {
        return !Double.isNaN(queueWaitP50S);
    }

    /** Joules per generated token; {@code NaN} without tokens. */
    public double energyPerToken() {
        return tokens > 0 ? energyJoules / tokens : Double.NaN;
    }
}
