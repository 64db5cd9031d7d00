package io.dpbalance.engine.policy;

/**
 * The paper's FCFS baseline: the first (free-slot count) pool requests, in pool order, fill rank 0's free slots,
 * then rank 1's, and so on.
 */
public final class FcfsPolicy implements Policy {

    @Override
    public String name() {
        return "fcfs";
    }

    @Override
    public void refill(RefillContext ctx) {
        int next = 0;
        int pool = ctx.poolSize();
        for (int g = 0; g < ctx.ranks() && next < pool; g++) {
            for (int free = ctx.free(g); free > 0 && next < pool; free--) {
                ctx.place(next++, g);
            }
        }
    }
}
