package io.dpbalance.engine.policy;

import io.dpbalance.engine.model.Request;

/**
 * vLLM's data-parallel load balancing: a request is bound at arrival to the rank minimizing
 * {@code 4 * waiting + running} (ties to the lowest rank), and each rank then admits from its own FIFO queue.
 * A rank with free slots and an empty queue stays under-filled even while other ranks have a backlog; that is the
 * behaviour being measured.
 */
public final class VllmPolicy implements Policy {

    @Override
    public String name() {
        return "vllm";
    }

    @Override
    public int bindOnArrival(Request request, ClusterView cluster) {
        int best = 0;
        long bestScore = Long.MAX_VALUE;
        for (int g = 0; g < cluster.ranks(); g++) {
            long score = 4L * cluster.waitingBound(g) + cluster.running(g);
            if (score < bestScore) {
                best = g;
                bestScore = score;
            }
        }
        return best;
    }

    @Override
    public void refill(RefillContext ctx) {
        for (int i = 0; i < ctx.poolSize() && ctx.totalFree() > 0; i++) {
            int rank = ctx.poolBoundRank(i);
            if (ctx.free(rank) > 0) {
                ctx.place(i, rank);
            }
        }
    }
}
