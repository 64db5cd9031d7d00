package io.dpbalance.engine.policy;

import java.util.Arrays;
import java.util.Locale;

/**
 * BF-IO, Balance Future with Integer Optimization (docs/design.md §5.1): at each refill, choose which pool requests to admit
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
 *       pool) for the total prompt mass that maximizes its score, i.e. best fits its margin under the envelope;</li>
 *   <li><b>polish</b>: a local search on the planned decision with the integer program's own objective (overflow
 *       weighted by G, steps discounted by {@code decay}): a planned request is replaced by a better-fitting pool
 *       request, or two planned requests swap ranks, while the objective falls. Overdue requests stay admitted.</li>
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
    private final Polish polish;
    /** The decision-level self-check; null with {@code check=false}. */
    private final DecisionCheck check;

    private final boolean calibrate;

    private int[] order = new int[0];
    private int[] positionOf = new int[0];
    private int[] free = new int[0];
    private int totalFree;
    private int[] planPosition = new int[0];
    private int[] planRank = new int[0];
    /** Planned because overdue (max-wait): polishing may move it to another rank but not put it back. */
    private boolean[] planPinned = new boolean[0];

    private int planned;
    private long[] sortedPrompt = new long[0];
    private boolean[] used = new boolean[0];
    private int size;
    private int available;
    private int[] chosen = new int[0];
    private int bracketBelow;
    private int bracketAbove;

    /** BF-IO with the defaults of docs/design.md §5.1 and a local-search finish. */
    public BfioPolicy(int horizon, String lookahead) {
        this(horizon, DEFAULT_BETA, DEFAULT_DECAY, 0, DEFAULT_GREEDY, DEFAULT_CANDIDATES, true, "false", lookahead);
    }

    /**
     * @param horizon    H >= 0
     * @param beta       overflow weight, > 0
     * @param decay      per-step discount in (0, 1]
     * @param maxWait    steps after which a pool request is admitted first; 0 = no bound
     * @param greedy     greedy single-request phase while more than this many slots are free
     * @param candidates how many pool requests (oldest first) a decision considers
     * @param polish     finish each decision with a local search on the discounted objective
     * @param check      the self-check of the lookahead ({@link DecisionCheck}, judged on the realized departures of
     *                   earlier decisions): {@code false}; {@code true}, look ahead only as far as the lookahead's
     *                   per-rank predictions have beaten "every rank loses alike"; {@code calibrate}, look ahead with
     *                   the predicted differences between ranks scaled by how well they matched the realized ones
     * @param lookahead  the lookahead's name, for {@link #name()}
     */
    public BfioPolicy(
            int horizon,
            double beta,
            double decay,
            long maxWait,
            int greedy,
            int candidates,
            boolean polish,
            String check,
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
        this.polish = polish ? new Polish() : null;
        if (!check.equals("false") && !check.equals("true") && !check.equals("calibrate")) {
            throw new IllegalArgumentException("bfio: check must be false, true or calibrate, got '" + check + "'");
        }
        this.check = check.equals("false") ? null : new DecisionCheck(horizon, decay);
        this.calibrate = check.equals("calibrate");
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
        if (!polish) {
            sb.append(",polish=false");
        }
        if (this.check != null) {
            sb.append(",check=").append(check);
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
        // the configured horizon, or a shorter one when the lookahead is not confident enough (learned)
        int ahead = Math.max(0, Math.min(horizon, ctx.lookaheadHorizon(horizon)));
        if (check == null) {
            decide(ctx, LoadProjection.of(ctx, ahead));
            placePlan(ctx);
            return;
        }
        // how far the lookahead's per-rank predictions have beaten "every rank loses alike" (DecisionCheck)
        check.judge(ctx.step());
        LoadProjection projection = LoadProjection.of(ctx, ahead);
        check.record(ctx.step(), projection);
        if (calibrate) {
            double[] factor = new double[ahead + 1];
            boolean any = false;
            for (int h = 1; h <= ahead && check.judged() >= DecisionCheck.WARMUP; h++) {
                factor[h] = check.calibration(h);
                any |= factor[h] > 0;
            }
            if (any) {
                projection.scaleDifferences(factor);
            }
            decide(ctx, any ? projection : projection.truncated(0));
        } else {
            int trusted = check.horizon(ahead);
            decide(ctx, trusted == ahead ? projection : projection.truncated(trusted));
        }
        placePlan(ctx);
    }

    /** Plans a decision on {@code projection} (phases 1-4) without placing it. */
    private void decide(RefillContext ctx, LoadProjection projection) {
        prepare(ctx);
        if (maxWait > 0) {
            admitOverdue(ctx, projection);
        }
        while (totalFree > greedy && available > 0) {
            int rank = rankWithMostFreeSlots(projection);
            score.build(projection, rank);
            plan(projection, bestSingle(0), rank);
        }
        while (totalFree > 0 && available > 0) {
            int rank = emptiestProjectedRank(projection);
            score.build(projection, rank);
            int picked = bestSubset(Math.min(free[rank], available));
            for (int i = 0; i < picked; i++) {
                used[chosen[i]] = false;
                available++;
                plan(projection, chosen[i], rank);
            }
        }
        if (polish != null) {
            polish.improve(projection);
        }
    }

    private void placePlan(RefillContext ctx) {
        for (int i = 0; i < planned; i++) {
            ctx.place(order[planPosition[i]], planRank[i]);
        }
    }

    @Override
    public void onFinished(int rank, int promptTokens, int outputTokens, long step) {
        if (check != null) {
            check.onFinished(rank, promptTokens, outputTokens, step);
        }
    }

    @Override
    public long[] saveState() {
        return check == null ? new long[0] : check.saveState();
    }

    @Override
    public void restoreState(long[] state) {
        if (check != null) {
            check.restoreState(state);
        }
    }

    /** The self-check's state for reports and tests; null with {@code check=false}. */
    DecisionCheck check() {
        return check;
    }

    private void prepare(RefillContext ctx) {
        size = Math.min(ctx.poolSize(), candidates);
        if (order.length < size) {
            int n = Math.max(size, order.length * 2);
            order = new int[n];
            positionOf = new int[n];
            sortedPrompt = new long[n];
            used = new boolean[n];
            chosen = new int[n];
            planPosition = new int[n];
            planRank = new int[n];
            planPinned = new boolean[n];
        }
        long[] keys = new long[size];
        for (int i = 0; i < size; i++) {
            keys[i] = ((long) ctx.poolRequest(i).promptTokens() << 32) | i;
        }
        Arrays.sort(keys);
        for (int p = 0; p < size; p++) {
            order[p] = (int) keys[p];
            positionOf[order[p]] = p;
            sortedPrompt[p] = keys[p] >>> 32;
            used[p] = false;
        }
        available = size;
        planned = 0;
        int ranks = ctx.ranks();
        if (free.length != ranks) {
            free = new int[ranks];
        }
        totalFree = 0;
        for (int g = 0; g < ranks; g++) {
            free[g] = ctx.free(g);
            totalFree += free[g];
        }
    }

    /** Plans pool candidate {@code position} onto {@code rank}; placements reach the cluster after polishing. */
    private void plan(LoadProjection projection, int position, int rank) {
        used[position] = true;
        available--;
        free[rank]--;
        totalFree--;
        planPosition[planned] = position;
        planRank[planned] = rank;
        planPinned[planned] = false;
        planned++;
        projection.add(rank, sortedPrompt[position]);
    }

    /** Overdue requests first, oldest first (pool order), each where it raises its rank's score most. */
    private void admitOverdue(RefillContext ctx, LoadProjection projection) {
        for (int i = 0; i < size && totalFree > 0; i++) {
            if (ctx.poolWaitSteps(i) < maxWait) {
                continue;
            }
            int position = positionOf[i];
            int best = -1;
            double bestGain = Double.NEGATIVE_INFINITY;
            for (int g = 0; g < free.length; g++) {
                if (free[g] == 0) {
                    continue;
                }
                score.build(projection, g);
                double gain = score.value(sortedPrompt[position]);
                if (gain > bestGain) {
                    best = g;
                    bestGain = gain;
                }
            }
            plan(projection, position, best);
            planPinned[planned - 1] = true;
        }
    }

    private int rankWithMostFreeSlots(LoadProjection projection) {
        int best = -1;
        int bestFree = 0;
        double bestLoad = 0;
        for (int g = 0; g < free.length; g++) {
            int f = free[g];
            if (f == 0 || f < bestFree) {
                continue;
            }
            double load = projection.load(0, g);
            if (f > bestFree || load < bestLoad) {
                best = g;
                bestFree = f;
                bestLoad = load;
            }
        }
        return best;
    }

    private int emptiestProjectedRank(LoadProjection projection) {
        int best = -1;
        for (int g = 0; g < free.length; g++) {
            int h = projection.horizon();
            if (free[g] > 0 && (best < 0 || projection.load(h, g) < projection.load(h, best))) {
                best = g;
            }
        }
        return best;
    }

    /** The unused candidate whose prompt, added to {@code base}, scores best; -1 if none is left. */
    private int bestSingle(long base) {
        long target = score.peak() - base;
        bracket(target);
        int below = bracketBelow;
        int above = bracketAbove;
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
                bracket(ideal);
                int below = bracketBelow;
                int above = bracketAbove;
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
        bracket(target);
        int below = bracketBelow;
        int above = bracketAbove;
        if (below < 0) {
            return above;
        }
        if (above < 0) {
            return below;
        }
        return sortedPrompt[above] - target < target - sortedPrompt[below] ? above : below;
    }

    /**
     * The unused candidates nearest {@code target}: the oldest with the largest prompt at or below it
     * ({@link #bracketBelow}) and the one with the smallest prompt above it ({@link #bracketAbove}); -1 where none.
     */
    private void bracket(long target) {
        int right = firstAbove(target);
        bracketBelow = nearestUnusedAtOrBelow(right - 1);
        bracketAbove = nearestUnusedAtOrAbove(right);
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

    /**
     * Local search on the planned decision with the true objective of the integer program,
     * {@code sum_h (G M(h) - sum_g L̂_g(k+h))}: replace a planned request by a pool request on the same rank, or
     * swap two planned requests between ranks, while that lowers the objective. Replacement candidates are the
     * pool requests nearest the prompt that would bring the rank to the best level the objective allows, so a
     * pass costs O(planned (log n + H) + planned^2 H).
     */
    private final class Polish {

        private static final int MAX_PASSES = 3;
        private static final double EPS = 1e-6;

        private double[][] top = new double[3][0];
        private int[][] topRank = new int[3][0];
        private double[] gaps = new double[0];
        private final double[] discount = MarginScore.powers(decay, horizon);

        /** The horizon of the decision being polished (the lookahead may shorten the configured one). */
        private int last;

        void improve(LoadProjection projection) {
            last = projection.horizon();
            int steps = last + 1;
            if (top[0].length != steps) {
                top = new double[3][steps];
                topRank = new int[3][steps];
                gaps = new double[steps];
            }
            for (int h = 0; h < steps; h++) {
                rescan(projection, h);
            }
            boolean improved = true;
            for (int pass = 0; improved && pass < MAX_PASSES; pass++) {
                improved = false;
                for (int i = 0; i < planned; i++) {
                    if (!planPinned[i] && replaceFromPool(projection, i)) {
                        improved = true;
                    }
                }
                // Between ranks the total is unchanged, so a swap helps only by lowering the envelope: one side must
                // be a rank on the envelope, giving away mass.
                for (int i = 0; i < planned; i++) {
                    if (!onEnvelope(planRank[i])) {
                        continue;
                    }
                    for (int j = 0; j < planned; j++) {
                        if (planRank[j] != planRank[i]
                                && sortedPrompt[planPosition[j]] < sortedPrompt[planPosition[i]]
                                && swapBetweenRanks(projection, i, j)) {
                            improved = true;
                            if (!onEnvelope(planRank[i])) {
                                break;
                            }
                        }
                    }
                }
            }
        }

        private boolean onEnvelope(int rank) {
            for (int h = 0; h <= last; h++) {
                if (topRank[0][h] == rank) {
                    return true;
                }
            }
            return false;
        }

        private boolean replaceFromPool(LoadProjection projection, int i) {
            int rank = planRank[i];
            int out = planPosition[i];
            long prompt = sortedPrompt[out];
            // the objective is convex in the rank's added mass d: slope G #{h : d > gap_h} - (H + 1)
            int steps = last + 1;
            for (int h = 0; h < steps; h++) {
                gaps[h] = maxExcluding(h, rank, -1) - projection.load(h, rank);
            }
            int ranks = projection.ranks();
            int k = Math.min(steps - 1, steps / ranks);
            long target = prompt + (long) Math.floor(kthSmallestGap(k, steps));
            bracket(target);
            int below = bracketBelow;
            int above = bracketAbove;
            int in = -1;
            double best = -EPS;
            if (below >= 0) {
                double delta = change(projection, rank, sortedPrompt[below] - prompt, -1, 0);
                if (delta < best) {
                    best = delta;
                    in = below;
                }
            }
            if (above >= 0 && change(projection, rank, sortedPrompt[above] - prompt, -1, 0) < best) {
                in = above;
            }
            if (in < 0) {
                return false;
            }
            used[out] = false;
            used[in] = true;
            planPosition[i] = in;
            projection.shift(rank, sortedPrompt[in] - prompt);
            updateTop(projection, rank);
            return true;
        }

        /**
         * The k-th smallest of {@code gaps[0..steps)}, counting from 0. With more ranks than steps (the usual case) k
         * is 0: the minimum, found without sorting.
         */
        private double kthSmallestGap(int k, int steps) {
            if (k == 0) {
                double min = gaps[0];
                for (int h = 1; h < steps; h++) {
                    min = Math.min(min, gaps[h]);
                }
                return min;
            }
            Arrays.sort(gaps, 0, steps);
            return gaps[k];
        }

        private boolean swapBetweenRanks(LoadProjection projection, int i, int j) {
            long d = sortedPrompt[planPosition[j]] - sortedPrompt[planPosition[i]];
            if (d == 0 || change(projection, planRank[i], d, planRank[j], -d) >= -EPS) {
                return false;
            }
            projection.shift(planRank[i], d);
            projection.shift(planRank[j], -d);
            updateTop(projection, planRank[i]);
            updateTop(projection, planRank[j]);
            int rank = planRank[i];
            planRank[i] = planRank[j];
            planRank[j] = rank;
            return true;
        }

        /** The objective's change when rank a's mass moves by da and rank b's (-1: none) by db. */
        private double change(LoadProjection projection, int a, long da, int b, long db) {
            int ranks = projection.ranks();
            double sum = 0;
            for (int h = 0; h <= last; h++) {
                double share = projection.newShare(h);
                double newA = projection.load(h, a) + da * share;
                double max = Math.max(maxExcluding(h, a, b), newA);
                if (b >= 0) {
                    max = Math.max(max, projection.load(h, b) + db * share);
                }
                sum += discount[h] * (ranks * (max - projection.envelope(h)) - (da + db) * share);
            }
            return sum;
        }

        private double maxExcluding(int h, int a, int b) {
            for (int t = 0; t < 3; t++) {
                int r = topRank[t][h];
                if (r >= 0 && r != a && r != b) {
                    return top[t][h];
                }
            }
            return 0;
        }

        /** Keeps the three largest loads per step current after {@code rank}'s load changed. */
        private void updateTop(LoadProjection projection, int rank) {
            for (int h = 0; h <= last; h++) {
                if (topRank[0][h] == rank
                        || topRank[1][h] == rank
                        || topRank[2][h] == rank
                        || projection.load(h, rank) > top[2][h]) {
                    rescan(projection, h);
                }
            }
        }

        private void rescan(LoadProjection projection, int h) {
            int ranks = projection.ranks();
            for (int t = 0; t < 3; t++) {
                top[t][h] = Double.NEGATIVE_INFINITY;
                topRank[t][h] = -1;
            }
            for (int g = 0; g < ranks; g++) {
                double l = projection.load(h, g);
                if (l > top[2][h]) {
                    int t = 2;
                    while (t > 0 && l > top[t - 1][h]) {
                        top[t][h] = top[t - 1][h];
                        topRank[t][h] = topRank[t - 1][h];
                        t--;
                    }
                    top[t][h] = l;
                    topRank[t][h] = g;
                }
            }
        }
    }
}
