package io.dpbalance.engine.policy;

import io.dpbalance.engine.lookahead.Lookahead;

/**
 * Predicted per-rank loads over a horizon, {@code L̂_g(k+h)} for {@code h = 0..H} (spec §5): a running request
 * predicted to finish in {@code r} steps contributes its current load to {@code h < r} and nothing from
 * {@code h = r} on; requests of unknown end contribute through the whole horizon. Newly placed prompt mass is added
 * to every {@code h}. Keeps the envelope {@code M(h) = max_g L̂_g(k+h)} and the per-step totals so that the BF-IO
 * objective {@code sum_h (G M(h) - sum_g L̂_g(k+h))} is always at hand.
 */
public final class LoadProjection {

    private final int ranks;
    private final int horizon;
    private final long[] loads;
    private final long[] envelope;
    private final long[] totals;

    private LoadProjection(int ranks, int horizon) {
        this.ranks = ranks;
        this.horizon = horizon;
        this.loads = new long[(horizon + 1) * ranks];
        this.envelope = new long[horizon + 1];
        this.totals = new long[horizon + 1];
    }

    /** Projects the cluster's running requests {@code horizon} steps ahead with the view's lookahead. */
    public static LoadProjection of(ClusterView view, int horizon) {
        int ranks = view.ranks();
        LoadProjection p = new LoadProjection(ranks, horizon);
        long[] endingAt = new long[horizon + 1];
        for (int g = 0; g < ranks; g++) {
            long current = view.load(g);
            if (horizon > 0) {
                java.util.Arrays.fill(endingAt, 0L);
                int n = view.running(g);
                for (int i = 0; i < n; i++) {
                    int slot = view.slot(g, i);
                    int remaining = view.slotRemaining(slot);
                    if (remaining != Lookahead.UNKNOWN && remaining <= horizon) {
                        endingAt[Math.max(1, remaining)] += (long) view.slotPrompt(slot) + view.slotGenerated(slot);
                    }
                }
            }
            long ended = 0;
            for (int h = 0; h <= horizon; h++) {
                if (h > 0) {
                    ended += endingAt[h];
                }
                p.loads[h * ranks + g] = current - ended;
            }
        }
        p.recomputeEnvelope();
        return p;
    }

    /** A projection from explicit loads, {@code loads[h][g]}; for tests and benchmarks. */
    public static LoadProjection ofLoads(long[][] loadsByStep) {
        int horizon = loadsByStep.length - 1;
        int ranks = loadsByStep[0].length;
        LoadProjection p = new LoadProjection(ranks, horizon);
        for (int h = 0; h <= horizon; h++) {
            System.arraycopy(loadsByStep[h], 0, p.loads, h * ranks, ranks);
        }
        p.recomputeEnvelope();
        return p;
    }

    public LoadProjection copy() {
        LoadProjection c = new LoadProjection(ranks, horizon);
        System.arraycopy(loads, 0, c.loads, 0, loads.length);
        System.arraycopy(envelope, 0, c.envelope, 0, envelope.length);
        System.arraycopy(totals, 0, c.totals, 0, totals.length);
        return c;
    }

    private void recomputeEnvelope() {
        for (int h = 0; h <= horizon; h++) {
            long max = 0;
            long total = 0;
            int row = h * ranks;
            for (int g = 0; g < ranks; g++) {
                long l = loads[row + g];
                max = Math.max(max, l);
                total += l;
            }
            envelope[h] = max;
            totals[h] = total;
        }
    }

    public int ranks() {
        return ranks;
    }

    public int horizon() {
        return horizon;
    }

    public long load(int h, int rank) {
        return loads[h * ranks + rank];
    }

    public long envelope(int h) {
        return envelope[h];
    }

    /** {@code M(h) - L̂_g(k+h)} >= 0. */
    public long margin(int h, int rank) {
        return envelope[h] - loads[h * ranks + rank];
    }

    /** Adds prompt mass placed on {@code rank} to every step of the horizon. */
    public void add(int rank, long mass) {
        for (int h = 0; h <= horizon; h++) {
            int i = h * ranks + rank;
            long l = loads[i] + mass;
            loads[i] = l;
            totals[h] += mass;
            if (l > envelope[h]) {
                envelope[h] = l;
            }
        }
    }

    /** The BF-IO objective of the projected state: {@code sum_h (G M(h) - sum_g L̂_g(k+h))}. */
    public long objective() {
        long sum = 0;
        for (int h = 0; h <= horizon; h++) {
            sum += ranks * envelope[h] - totals[h];
        }
        return sum;
    }
}
