package io.dpbalance.engine.policy;

/**
 * BF-IO's per-rank score of adding prompt mass {@code S} to rank g (docs/design.md §5.1): the negated exact marginal of the
 * objective, discounted and with the overflow weight {@code beta} in place of G,
 * {@code F_g(S) = sum_h decay^h (S - beta max(0, S - m_g(h)))}, where {@code m_g(h) = M(h) - L̂_g(k+h)} is the
 * rank's margin under the envelope. Filling inside the margin is rewarded, overflowing it penalized hard.
 * F is concave and piecewise linear; {@link #peak()} is where it is largest. Buffers are reused across ranks.
 */
final class MarginScore {

    private final double beta;
    private final double[] weight;
    private final double[] margins;
    private final double[] weights;
    private final double[] prefixWeight;
    private final double[] prefixWeightedMargin;
    private double totalWeight;
    private long peak;
    /** Steps of the projection last built: its horizon + 1, at most the configured horizon + 1. */
    private int n;

    MarginScore(int horizon, double beta, double decay) {
        this.beta = beta;
        this.weight = powers(decay, horizon);
        this.margins = new double[horizon + 1];
        this.weights = new double[horizon + 1];
        this.prefixWeight = new double[horizon + 2];
        this.prefixWeightedMargin = new double[horizon + 2];
    }

    /** {@code decay^h} for {@code h = 0..horizon}: the weight BF-IO's objective gives each step. */
    static double[] powers(double decay, int horizon) {
        double[] out = new double[horizon + 1];
        double w = 1.0;
        for (int h = 0; h <= horizon; h++) {
            out[h] = w;
            w *= decay;
        }
        return out;
    }

    /** Prepares F for {@code rank} under the projection's current envelope. */
    void build(LoadProjection projection, int rank) {
        n = Math.min(margins.length, projection.horizon() + 1);
        for (int h = 0; h < n; h++) {
            double share = projection.newShare(h);
            double m = share > 0 ? projection.margin(h, rank) / share : Double.MAX_VALUE;
            double w = weight[h] * share;
            int j = h - 1;
            while (j >= 0 && margins[j] > m) {
                margins[j + 1] = margins[j];
                weights[j + 1] = weights[j];
                j--;
            }
            margins[j + 1] = m;
            weights[j + 1] = w;
        }
        prefixWeight[0] = 0;
        prefixWeightedMargin[0] = 0;
        for (int i = 0; i < n; i++) {
            prefixWeight[i + 1] = prefixWeight[i] + weights[i];
            prefixWeightedMargin[i + 1] = prefixWeightedMargin[i] + weights[i] * margins[i];
        }
        totalWeight = prefixWeight[n];
        peak = Long.MAX_VALUE / 4;
        for (int i = 0; i < n; i++) {
            if (totalWeight - beta * prefixWeight[i + 1] <= 0) {
                peak = (long) Math.floor(margins[i]);
                break;
            }
        }
    }

    double value(long mass) {
        if (mass <= 0) {
            return 0.0;
        }
        int lo = 0;
        int hi = n;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (margins[mid] < mass) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return totalWeight * mass - beta * (mass * prefixWeight[lo] - prefixWeightedMargin[lo]);
    }

    /** The mass at which F is largest. */
    long peak() {
        return peak;
    }
}
