package io.dpbalance.exact;

import io.dpbalance.engine.policy.LoadProjection;
import io.dpbalance.engine.policy.RefillState;

/**
 * The true BF-IO objective of a decision (docs/design.md §5.1), without the fast solver's discount and overflow weight:
 * {@code sum_{h=0..H} (G max_g L̂_g(k+h) - sum_g L̂_g(k+h))} with every placed request's prompt added to its rank
 * over the whole horizon. This is the yardstick that compares solvers on the same refill.
 */
public final class BfioObjective {

    private BfioObjective() {}

    /**
     * @param decided a refill on which a policy has placed requests; it is not modified
     * @param horizon H >= 0
     */
    public static long of(RefillState decided, int horizon) {
        if (horizon < 0) {
            throw new IllegalArgumentException("horizon must be >= 0, got " + horizon);
        }
        // Project from the state before the decision: placed requests have no predictions of their own, they only
        // add their prompt mass at every step of the horizon.
        LoadProjection projection = LoadProjection.of(decided.fresh(), horizon);
        for (int i = 0; i < decided.poolSize(); i++) {
            int rank = decided.placedOn(i);
            if (rank >= 0) {
                projection.add(rank, decided.poolRequest(i).promptTokens());
            }
        }
        // integral for point-prediction lookaheads, the only ones the exact program takes
        return Math.round(projection.objective());
    }
}
