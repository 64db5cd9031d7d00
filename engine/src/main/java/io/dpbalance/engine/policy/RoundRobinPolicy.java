package io.dpbalance.engine.policy;

/** Pool order; ranks in cyclic order, skipping full ranks. The cursor persists across refills. */
public final class RoundRobinPolicy implements Policy {

    private int cursor;

    @Override
    public String name() {
        return "round-robin";
    }

    @Override
    public long[] saveState() {
        return new long[] {cursor};
    }

    @Override
    public void restoreState(long[] state) {
        cursor = state.length == 0 ? 0 : (int) state[0];
    }

    @Override
    public void refill(RefillContext ctx) {
        int ranks = ctx.ranks();
        for (int i = 0; i < ctx.poolSize() && ctx.totalFree() > 0; i++) {
            while (ctx.free(cursor) == 0) {
                cursor = (cursor + 1) % ranks;
            }
            ctx.place(i, cursor);
            cursor = (cursor + 1) % ranks;
        }
    }
}
