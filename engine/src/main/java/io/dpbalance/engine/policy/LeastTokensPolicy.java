package io.dpbalance.engine.policy;

/**
 * Join-shortest-queue by KV tokens (SGLang's {@code total_tokens} balancing; the paper's JSQ): pool order, each
 * request to the rank with the fewest resident tokens among ranks with a free slot, ties to the lowest rank.
 */
public final class LeastTokensPolicy implements Policy {

    @Override
    public String name() {
        return "least-tokens";
    }

    @Override
    public void refill(RefillContext ctx) {
        for (int i = 0; i < ctx.poolSize() && ctx.totalFree() > 0; i++) {
            int best = -1;
            long bestLoad = Long.MAX_VALUE;
            for (int g = 0; g < ctx.ranks(); g++) {
                if (ctx.free(g) > 0 && ctx.load(g) < bestLoad) {
                    best = g;
                    bestLoad = ctx.load(g);
                }
            }
            ctx.place(i, best);
        }
    }
}
