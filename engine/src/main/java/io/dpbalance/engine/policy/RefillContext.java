package io.dpbalance.engine.policy;

import io.dpbalance.engine.model.Request;

/**
 * A refill: the cluster after a step's departures, the pool in arrival order, and the one action a policy has,
 * {@link #place(int, int)}. Placements are sticky; pool indices stay valid for the whole refill.
 */
public interface RefillContext extends ClusterView {

    int poolSize();

    Request poolRequest(int index);

    /** Steps this pool request has waited since it joined the pool. */
    long poolWaitSteps(int index);

    /** The rank the request was bound to at arrival, or -1. */
    int poolBoundRank(int index);

    boolean isPlaced(int index);

    /** Binds pool request {@code index} to {@code rank}; updates the rank's load, running count and free slots. */
    void place(int index, int rank);
}
