package io.dpbalance.engine.lookahead;

/**
 * A length predictor with bounded relative error: request j is predicted to produce
 * {@code round(o_j * U[1 - d, 1 + d])} tokens, with U drawn once per request from a seeded stream keyed by the
 * request's sequence number (so the estimate is the same whenever it is asked). Once a request outlives its
 * estimate, its end is unknown.
 */
public final class NoisyLookahead implements Lookahead {

    private final double delta;
    private final long seed;

    public NoisyLookahead(double delta, long seed) {
        if (!(delta >= 0) || !(delta < 1)) {
            throw new IllegalArgumentException("noisy lookahead: d must be in [0, 1), got " + delta);
        }
        this.delta = delta;
        this.seed = seed;
    }

    @Override
    public String name() {
        return "noisy:" + delta;
    }

    /** The predicted output length of request {@code sequence} whose true length is {@code outputTokens}. */
    public int estimate(long sequence, int outputTokens) {
        double u = unitUniform(mix(seed ^ mix(sequence + 0x9E3779B97F4A7C15L)));
        double factor = 1.0 - delta + 2.0 * delta * u;
        return (int) Math.max(1, Math.round(outputTokens * factor));
    }

    @Override
    public int remaining(long sequence, int generated, int outputTokens) {
        int left = estimate(sequence, outputTokens) - generated;
        return left >= 1 ? left : UNKNOWN;
    }

    /** SplitMix64 finalizer: a stateless, well-mixed hash of a 64-bit value. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static double unitUniform(long bits) {
        return (bits >>> 11) * 0x1.0p-53;
    }
}
