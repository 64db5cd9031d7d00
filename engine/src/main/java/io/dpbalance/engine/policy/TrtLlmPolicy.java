package io.dpbalance.engine.policy;

import java.util.Arrays;

/**
 * TensorRT-LLM attention-DP style balancing. Per refill the admitted requests are the first (free-slot count) of
 * the pool; the per-rank cap is {@code max(ceil(total / G), current max running)} where total counts running and
 * admitted requests; admitted requests go, by prompt length descending (ties in pool order), each to the rank with
 * the fewest resident tokens among ranks under the cap and with a free slot (ties to the lowest rank).
 */
public final class TrtLlmPolicy implements Policy {

    @Override
    public String name() {
        return "trtllm";
    }

    @Override
    public void refill(RefillContext ctx) {
        int ranks = ctx.ranks();
        int admitted = Math.min(ctx.poolSize(), ctx.totalFree());
        long total = admitted;
        int currentMax = 0;
        for (int g = 0; g < ranks; g++) {
            total += ctx.running(g);
            currentMax = Math.max(currentMax, ctx.running(g));
        }
        long cap = Math.max((total + ranks - 1) / ranks, currentMax);
        Integer[] order = new Integer[admitted];
        for (int i = 0; i < admitted; i++) {
            order[i] = i;
        }
        Arrays.sort(
                order,
                (a, b) -> Integer.compare(
                        ctx.poolRequest(b).promptTokens(), ctx.poolRequest(a).promptTokens()));
        for (int i : order) {
            int best = -1;
            long bestLoad = Long.MAX_VALUE;
            for (int g = 0; g < ranks; g++) {
                if (ctx.free(g) > 0 && ctx.running(g) < cap && ctx.load(g) < bestLoad) {
                    best = g;
                    bestLoad = ctx.load(g);
                }
            }
            ctx.place(i, best);
        }
    }
}
