package io.dpbalance.engine.policy;

import java.util.Arrays;
import java.util.Locale;

/**
 * BF-IO, Balance Future with Integer Optimization (spec §5): at each refill, choose which pool requests to admit
 * and on which rank so as to minimize the predicted imbalance summed over a horizon of H steps.
 *
 * <p>The integer program is solved rank by rank with the exact per-rank marginal of the objective
 * ({@link MarginScore}), updating the projection after every choice:
 * <ol>
 *   <li><b>max-wait</b>: pool requests that have waited {@code maxWait} steps or more are placed first, oldest
 *       first, each on the free rank whose score it raises most;</li>
 *   <li><b>greedy</b>, while more than {@code greedy} slots are free: the rank with the most free slots (ties: the
 *       least loaded) takes the single pool request that maximizes its score;</li>
 *   <li><b>fit</b>: each rank with free slots, emptiest projected rank first, takes exactly as many pool requests
 *       as it has free slots, chosen by a bounded subset search (a spread initial pick, then 1-swaps with the
 *       pool) for the total prompt mass that maximizes its score, i.e. best fits its margin under the envelope.</li>
 * </ol>
 * Every free slot is filled while the pool has requests. The pool is searched in sorted order of prompt length, so
 * one choice costs O(log n) plus the skips over already-chosen requests.
 */
public final class BfioPolicy implements Policy {

    public static final int DEFAULT_HORIZON = 20;
    public static final double DEFAULT_BETA = 43;
    public static final double DEFAULT_DECAY = 0.86;
    public static final int DEFAULT_GREEDY = 7;
    public static final int DEFAULT_CANDIDATES = 1024;

    private final int horizon;
    private final double beta;
    private final double decay;
    private final long maxWait;
    private final int greedy;
    private final int candidates;
    private final String name;

    private final MarginScore score;
    private int[] order = new int[0];
    private long[] sortedPrompt = new long[0];
    private boolean[] used = new boolean[0];
    private int size;
    private int available;
    private int[] chosen = new int[0];

    /**
     * @param horizon    H >= 0
     * @param beta       overflow weight, > 0
     * @param decay      per-step discount in (0, 1]
     * @param maxWait    steps after which a pool request is admitted first; 0 = no bound
     * @param greedy     greedy single-request phase while more than this many slots are free
     * @param candidates how many pool requests (oldest first) a decision considers
     * @param lookahead  the lookahead's name, for {@link #name()}
     */
    public BfioPolicy(int horizon, double beta, double decay, long maxWait, int greedy, int candidates,
                      String lookahead) {
        if (horizon < 0) {
            throw new IllegalArgumentException("bfio: h must be >= 0, got " + horizon);
        }
        if (!(beta > 0)) {
            throw new IllegalArgumentException("bfio: beta must be > 0, got " + beta);
        }
        if (!(decay > 0) || decay > 1) {
            throw new IllegalArgumentException("bfio: decay must be in (0, 1], got " + decay);
        }
        if (maxWait < 0) {
            throw new IllegalArgumentException("bfio: max-wait must be >= 0 (0 = no bound), got " + maxWait);
        }
        if (greedy < 0) {
            throw new IllegalArgumentException("bfio: greedy must be >= 0, got " + greedy);
        }
        if (candidates < 1) {
            throw new IllegalArgumentException("bfio: candidates must be >= 1, got " + candidates);
        }
        this.horizon = horizon;
        this.beta = beta;
        this.decay = decay;
        this.maxWait = maxWait;
        this.greedy = greedy;
        this.candidates = candidates;
        this.score = new MarginScore(horizon, beta, decay);
        StringBuilder sb = new StringBuilder("bfio:h=").append(horizon);
        if (beta != DEFAULT_BETA) {
            sb.append(",beta=").append(fmt(beta));
        }
        if (decay != DEFAULT_DECAY) {
            sb.append(",decay=").append(fmt(decay));
        }
        if (maxWait > 0) {
            sb.append(",max-wait=").append(maxWait);
        }
        if (greedy != DEFAULT_GREEDY) {
            sb.append(",greedy=").append(greedy);
        }
        if (candidates != DEFAULT_CANDIDATES) {
            sb.append(",candidates=").append(candidates);
        }
        sb.append(",lookahead=").append(lookahead);
        this.name = sb.toString();
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%s", v);
    }

    @Override
    public String name() {
        return name;
    }

    public int horizon() {
        return horizon;
    }

    @Override
    public void refill(RefillContext ctx) {
        LoadProjection projection = LoadProjection.of(ctx, horizon);
        prepareCandidates(ctx);
        if (maxWait > 0) {
            admitOverdue(ctx, projection);
        }
        while (ctx.totalFree() > greedy && available > 0) {
            int rank = rankWithMostFreeSlots(ctx, projection);
            score.build(projection, rank);
            int pick = bestSingle(0);
            place(ctx, projection, pick, rank);
        }
        while (ctx.totalFree() > 0 && available > 0) {
            int rank = emptiestProjectedRank(ctx, projection);
            score.build(projection, rank);
            int k = Math.min(ctx.free(rank), available);
            int picked = bestSubset(k);
            long mass = 0;
            for (int i = 0; i < picked; i++) {
                mass += sortedPrompt[chosen[i]];
                ctx.place(order[chosen[i]], rank);
            }
            projection.add(rank, mass);
        }
    }

    private void prepareCandidates(RefillContext ctx) {
        size = Math.min(ctx.poolSize(), candidates);
        if (order.length < size) {
            int n = Math.max(size, order.length * 2);
            order = new int[n];
            sortedPrompt = new long[n];
            used = new boolean[n];
            chosen = new int[n];
        }
        long[] keys = new long[size];
        for (int i = 0; i < size; i++) {
            keys[i] = ((long) ctx.poolRequest(i).promptTokens() << 32) | i;
        }
        Arrays.sort(keys);
        for (int p = 0; p < size; p++) {
            order[p] = (int) keys[p];
            sortedPrompt[p] = keys[p] >>> 32;
            used[p] = false;
        }
        available = size;
    }

    private void place(RefillContext ctx, LoadProjection projection, int position, int rank) {
        used[position] = true;
        available--;
        ctx.place(order[position], rank);
        projection.add(rank, sortedPrompt[position]);
    }

    private void admitOverdue(RefillContext ctx, LoadProjection projection) {
        for (int p = 0; p < size && ctx.totalFree() > 0; p++) {
            if (ctx.poolWaitSteps(order[p]) < maxWait) {
                continue;
            }
            int best = -1;
            double bestGain = Double.NEGATIVE_INFINITY;
            for (int g = 0; g < ctx.ranks(); g++) {
                if (ctx.free(g) == 0) {
                    continue;
                }
                score.build(projection, g);
                double gain = score.value(sortedPrompt[p]);
                if (gain > bestGain) {
                    best = g;
                    bestGain = gain;
                }
            }
            place(ctx, projection, p, best);
        }
    }

    private static int rankWithMostFreeSlots(ClusterView ctx, LoadProjection projection) {
        int best = -1;
        int bestFree = 0;
        double bestLoad = 0;
        for (int g = 0; g < ctx.ranks(); g++) {
            int free = ctx.free(g);
            if (free == 0 || free < bestFree) {
                continue;
            }
            double load = projection.load(0, g);
            if (free > bestFree || load < bestLoad) {
                best = g;
                bestFree = free;
                bestLoad = load;
            }
        }
        return best;
    }

    private int emptiestProjectedRank(ClusterView ctx, LoadProjection projection) {
        int best = -1;
        for (int g = 0; g < ctx.ranks(); g++) {
            if (ctx.free(g) > 0 && (best < 0 || projection.load(horizon, g) < projection.load(horizon, best))) {
                best = g;
            }
        }
        return best;
    }

    /** The unused candidate whose prompt, added to {@code base}, scores best; -1 if none is left. */
    private int bestSingle(long base) {
        long target = score.peak() - base;
        int right = firstAbove(target);
        int below = nearestUnusedAtOrBelow(right - 1);
        int above = nearestUnusedAtOrAbove(right);
        if (below < 0) {
            return above;
        }
        if (above < 0) {
            return below;
        }
        return score.value(base + sortedPrompt[above]) > score.value(base + sortedPrompt[below]) ? above : below;
    }

    /**
     * Chooses exactly {@code k} unused candidates whose total prompt mass maximizes the rank's score: a spread
     * initial pick aiming each request at an equal share of the remaining target, then 1-swaps with the pool
     * while they improve the score. The choice is left in {@code chosen[0..k)} and marked used.
     */
    private int bestSubset(int k) {
        if (k == 1) {
            chosen[0] = bestSingle(0);
            markUsed(chosen[0]);
            return 1;
        }
        long peak = score.peak();
        long mass = 0;
        for (int t = 0; t < k; t++) {
            int pick;
            if (t == k - 1) {
                pick = bestSingle(mass);
            } else {
                long share = peak >= Long.MAX_VALUE / 8 ? Long.MAX_VALUE / 8 : Math.max(0, (peak - mass) / (k - t));
                pick = closestTo(share);
            }
            chosen[t] = pick;
            markUsed(pick);
            mass += sortedPrompt[pick];
        }
        double current = score.value(mass);
        boolean improved = true;
        for (int pass = 0; improved && pass < 4 * k; pass++) {
            improved = false;
            for (int t = 0; t < k; t++) {
                int out = chosen[t];
                long rest = mass - sortedPrompt[out];
                long ideal = peak >= Long.MAX_VALUE / 8 ? Long.MAX_VALUE / 8 : peak - rest;
                int right = firstAbove(ideal);
                int below = nearestUnusedAtOrBelow(right - 1);
                int above = nearestUnusedAtOrAbove(right);
                int in = -1;
                double bestValue = current;
                if (below >= 0) {
                    double v = score.value(rest + sortedPrompt[below]);
                    if (v > bestValue + 1e-9) {
                        bestValue = v;
                        in = below;
                    }
                }
                if (above >= 0) {
                    double v = score.value(rest + sortedPrompt[above]);
                    if (v > bestValue + 1e-9) {
                        bestValue = v;
                        in = above;
                    }
                }
                if (in >= 0) {
                    used[out] = false;
                    available++;
                    markUsed(in);
                    chosen[t] = in;
                    mass = rest + sortedPrompt[in];
                    current = bestValue;
                    improved = true;
                }
            }
        }
        return k;
    }

    private void markUsed(int position) {
        used[position] = true;
        available--;
    }

    private int closestTo(long target) {
        int right = firstAbove(target);
        int below = nearestUnusedAtOrBelow(right - 1);
        int above = nearestUnusedAtOrAbove(right);
        if (below < 0) {
            return above;
        }
        if (above < 0) {
            return below;
        }
        return sortedPrompt[above] - target < target - sortedPrompt[below] ? above : below;
    }

    /** First sorted position whose prompt exceeds {@code target}. */
    private int firstAbove(long target) {
        int lo = 0;
        int hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sortedPrompt[mid] <= target) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** The oldest unused candidate with the largest prompt at or below position {@code p}'s prompt; -1 if none. */
    private int nearestUnusedAtOrBelow(int p) {
        while (p >= 0 && used[p]) {
            p--;
        }
        if (p < 0) {
            return -1;
        }
        long value = sortedPrompt[p];
        int oldest = p;
        for (int q = p - 1; q >= 0 && sortedPrompt[q] == value; q--) {
            if (!used[q]) {
                oldest = q;
            }
        }
        return oldest;
    }

    private int nearestUnusedAtOrAbove(int p) {
        while (p < size && used[p]) {
            p++;
        }
        return p < size ? p : -1;
    }
}
