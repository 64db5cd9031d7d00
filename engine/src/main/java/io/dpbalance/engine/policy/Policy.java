package io.dpbalance.engine.policy;

import io.dpbalance.engine.model.Request;

/**
 * A placement rule (docs/design.md §5). One instance serves one cluster for one run; it may keep state between refills.
 * Pool-based policies fill every free slot while the pool has requests; policies that bind at arrival
 * ({@link #bindOnArrival}) admit from their per-rank queues.
 */
public interface Policy {

    /** The canonical name with parameters, as the command line writes it. */
    String name();

    /**
     * Called when a request joins the pool. A policy that binds requests to ranks at arrival returns the rank;
     * pool-based policies return -1.
     */
    default int bindOnArrival(Request request, ClusterView cluster) {
        return -1;
    }

    /** Places pool requests into free slots. Called only when the pool is non-empty and a slot is free. */
    void refill(RefillContext context);

    /**
     * Called when a request placed on {@code rank} finishes at step {@code step} after {@code outputTokens} tokens
     * (what production learns when it ends); most policies ignore it.
     */
    default void onFinished(int rank, int promptTokens, int outputTokens, long step) {}

    /** State the policy keeps between refills, for checkpoints; most policies keep none. */
    default long[] saveState() {
        return new long[0];
    }

    /** Restores what {@link #saveState} returned. */
    default void restoreState(long[] state) {}
}
