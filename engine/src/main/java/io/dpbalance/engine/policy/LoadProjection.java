package io.dpbalance.engine.policy;

import io.dpbalance.engine.lookahead.Lookahead;
import java.util.Arrays;

/**
 * Predicted per-rank loads over a horizon, {@code L̂_g(k+h)} for {@code h = 0..H} (docs/design.md §5.1): a running request
 * contributes its current load {@code w_i} while predicted to be running. With a point prediction (oracle, noisy,
 * none) a request predicted to finish in {@code r} steps counts fully for {@code h < r} and not from {@code h = r}
 * on; requests of unknown end count through the whole horizon. A lookahead that predicts a distribution (hazard)
 * gives expected loads instead, {@code w_i P(still running at h)}. Newly placed prompt mass is added to every
 * {@code h}. Keeps the envelope {@code M(h) = max_g L̂_g(k+h)} and the per-step totals, so the BF-IO objective
 * {@code sum_h (G M(h) - sum_g L̂_g(k+h))} is always at hand.
 */
public final class LoadProjection {

    private final int ranks;
    private final int horizon;
    private final double[] loads;
    private final double[] envelope;
    private final double[] totals;
    /** Share of a newly placed request's prompt still resident h steps ahead: 1 for point predictions. */
    private final double[] newShare;

    private LoadProjection(int ranks, int horizon) {
        this.ranks = ranks;
        this.horizon = horizon;
        this.loads = new double[(horizon + 1) * ranks];
        this.envelope = new double[horizon + 1];
        this.totals = new double[horizon + 1];
        this.newShare = new double[horizon + 1];
        Arrays.fill(newShare, 1.0);
    }

    /** Projects the cluster's running requests {@code horizon} steps ahead with the view's lookahead. */
    public static LoadProjection of(ClusterView view, int horizon) {
        int ranks = view.ranks();
        LoadProjection p = new LoadProjection(ranks, horizon);
        double[] gone = new double[horizon + 1];
        boolean expected = view.predictsDistributions();
        if (expected) {
            for (int h = 1; h <= horizon; h++) {
                p.newShare[h] = view.newRequestSurvival(h);
            }
        }
        double[] slotLoads = expected || horizon == 0 ? null : new double[view.batch()];
        int[] slotRemaining = slotLoads == null ? null : new int[slotLoads.length];
        for (int g = 0; g < ranks; g++) {
            if (horizon > 0) {
                Arrays.fill(gone, 0.0);
                if (expected) {
                    int n = view.running(g);
                    for (int i = 0; i < n; i++) {
                        int slot = view.slot(g, i);
                        double w = (double) view.slotPrompt(slot) + view.slotGenerated(slot);
                        for (int h = 1; h <= horizon; h++) {
                            gone[h] += w * (1.0 - view.slotSurvival(slot, h));
                        }
                    }
                } else {
                    int n = view.runningLoads(g, slotLoads, slotRemaining);
                    for (int i = 0; i < n; i++) {
                        int remaining = slotRemaining[i];
                        if (remaining != Lookahead.UNKNOWN && remaining <= horizon) {
                            gone[Math.max(1, remaining)] += slotLoads[i];
                        }
                    }
                }
                if (!expected) {
                    for (int h = 1; h <= horizon; h++) {
                        gone[h] += gone[h - 1];
                    }
                }
            }
            double current = view.load(g);
            for (int h = 0; h <= horizon; h++) {
                p.loads[h * ranks + g] = current - gone[h];
            }
        }
        p.recomputeEnvelope();
        return p;
    }

    /** A projection from explicit loads, {@code loads[h][g]}; for tests and benchmarks. */
    public static LoadProjection ofLoads(double[][] loadsByStep) {
        int horizon = loadsByStep.length - 1;
        int ranks = loadsByStep[0].length;
        LoadProjection p = new LoadProjection(ranks, horizon);
        for (int h = 0; h <= horizon; h++) {
            System.arraycopy(loadsByStep[h], 0, p.loads, h * ranks, ranks);
        }
        p.recomputeEnvelope();
        return p;
    }

    /** The first {@code last + 1} steps of this projection, {@code 0 <= last <= horizon()}. */
    public LoadProjection truncated(int last) {
        if (last < 0 || last > horizon) {
            throw new IllegalArgumentException("truncated(" + last + ") of a " + horizon + "-step projection");
        }
        LoadProjection c = new LoadProjection(ranks, last);
        System.arraycopy(loads, 0, c.loads, 0, (last + 1) * ranks);
        System.arraycopy(envelope, 0, c.envelope, 0, last + 1);
        System.arraycopy(totals, 0, c.totals, 0, last + 1);
        System.arraycopy(newShare, 0, c.newShare, 0, last + 1);
        return c;
    }

    /**
     * Scales, at each step h >= 1, how much the ranks' projected losses {@code L̂_g(k) - L̂_g(k+h)} differ from their
     * mean over ranks by {@code factor[h]} (0: every rank loses the mean; 1: unchanged).
     */
    public void scaleDifferences(double[] factor) {
        for (int h = 1; h <= horizon; h++) {
            int row = h * ranks;
            double mean = 0;
            for (int g = 0; g < ranks; g++) {
                mean += loads[g] - loads[row + g];
            }
            mean /= ranks;
            for (int g = 0; g < ranks; g++) {
                double lost = loads[g] - loads[row + g];
                loads[row + g] = loads[g] - (mean + factor[h] * (lost - mean));
            }
        }
        recomputeEnvelope();
    }

    public LoadProjection copy() {
        LoadProjection c = new LoadProjection(ranks, horizon);
        System.arraycopy(loads, 0, c.loads, 0, loads.length);
        System.arraycopy(envelope, 0, c.envelope, 0, envelope.length);
        System.arraycopy(totals, 0, c.totals, 0, totals.length);
        System.arraycopy(newShare, 0, c.newShare, 0, newShare.length);
        return c;
    }

    private void recomputeEnvelope() {
        for (int h = 0; h <= horizon; h++) {
            double max = 0;
            double total = 0;
            int row = h * ranks;
            for (int g = 0; g < ranks; g++) {
                double l = loads[row + g];
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

    public double load(int h, int rank) {
        return loads[h * ranks + rank];
    }

    public double envelope(int h) {
        return envelope[h];
    }

    /** {@code M(h) - L̂_g(k+h)} >= 0. */
    public double margin(int h, int rank) {
        return envelope[h] - loads[h * ranks + rank];
    }

    /** The expected share of a new request's prompt still resident {@code h} steps ahead (1 for point predictions). */
    public double newShare(int h) {
        return newShare[h];
    }

    /** Adds prompt mass placed on {@code rank} to every step of the horizon (its expected share of it). */
    public void add(int rank, long mass) {
        for (int h = 0; h <= horizon; h++) {
            int i = h * ranks + rank;
            double added = mass * newShare[h];
            double l = loads[i] + added;
            loads[i] = l;
            totals[h] += added;
            if (l > envelope[h]) {
                envelope[h] = l;
            }
        }
    }

    /**
     * Shifts the prompt mass placed on {@code rank} by {@code delta} (negative when a placement is taken back),
     * keeping the envelope exact.
     */
    public void shift(int rank, long delta) {
        if (delta >= 0) {
            add(rank, delta);
            return;
        }
        for (int h = 0; h <= horizon; h++) {
            int i = h * ranks + rank;
            double before = loads[i];
            double change = delta * newShare[h];
            loads[i] = before + change;
            totals[h] += change;
            if (before >= envelope[h]) {
                double max = 0;
                int row = h * ranks;
                for (int g = 0; g < ranks; g++) {
                    max = Math.max(max, loads[row + g]);
                }
                envelope[h] = max;
            }
        }
    }

    /** The BF-IO objective of the projected state: {@code sum_h (G M(h) - sum_g L̂_g(k+h))}. */
    public double objective() {
        double sum = 0;
        for (int h = 0; h <= horizon; h++) {
            sum += ranks * envelope[h] - totals[h];
        }
        return sum;
    }
}
