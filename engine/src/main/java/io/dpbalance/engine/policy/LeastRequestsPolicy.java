package io.dpbalance.engine.policy;

/**
 * SGLang's {@code total_requests} balancing: pool order, each request to the rank with the fewest running
 * requests, ties to the lowest rank.
 */
public final class LeastRequestsPolicy implements Policy {

    @Override
    public String name() {
        return "least-requests";
    }

    @Override
    public void refill(RefillContext ctx) {
        for (int i = 0; i < ctx.poolSize() && ctx.totalFree() > 0; i++) {
            int best = -1;
            int bestRunning = Integer.MAX_VALUE;
            for (int g = 0; g < ctx.ranks(); g++) {
                if (ctx.free(g) > 0 && ctx.running(g) < bestRunning) {
                    best = g;
                    bestRunning = ctx.running(g);
                }
            }
            ctx.place(i, best);
        }
    }
}
