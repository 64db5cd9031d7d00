package io.dpbalance.engine.sim;

import io.dpbalance.engine.metrics.CostModel;
import io.dpbalance.engine.metrics.PowerProfile;

/** One DP group: G ranks of batch capacity B, its step-time cost model and its power profile. */
public record ClusterConfig(int ranks, int batch, CostModel costModel, PowerProfile power) {

    public ClusterConfig {
        if (ranks < 1) {
            throw new IllegalArgumentException("ranks (G) must be >= 1, got " + ranks);
        }
        if (batch < 1) {
            throw new IllegalArgumentException("batch (B) must be >= 1, got " + batch);
        }
        if ((long) ranks * batch > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException("ranks x batch too large: " + ranks + " x " + batch);
        }
    }

    /** The reference cost model and power profile of docs/design.md §3-§3. */
    public static ClusterConfig reference(int ranks, int batch) {
        return new ClusterConfig(ranks, batch, CostModel.reference(batch), PowerProfile.REFERENCE);
    }
}
