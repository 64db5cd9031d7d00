package io.dpbalance.engine.lookahead;

/**
 * Learned online from the output lengths of requests that already finished: the empirical survival function
 * {@code S(x) = #(O > x) / n}, conditioned on the tokens a request has generated so far. The point prediction of a
 * running request with {@code a} tokens generated is its conditional median residual life: the smallest
 * {@code x > a} with {@code S(x) <= S(a) / 2}, i.e. the length that half of the finished requests which were still
 * running at {@code a} did not exceed. No oracle is used; this is what a production scheduler can know.
 *
 * <p>For BF-IO's projection it predicts a distribution rather than a point: {@link #survival} is
 * {@code S(a + h) / S(a)}, so a rank's projected load is its expected load. A request that has outlived every
 * finished one is assumed to keep running.
 *
 * <p>Counts live in a Fenwick tree over lengths (lengths above {@link #MAX_TRACKED_LENGTH} are counted at that
 * cap), so recording a finish and answering a query are both O(log max length).
 */
public final class HazardLookahead implements Lookahead {

    public static final int MAX_TRACKED_LENGTH = 1 << 17;

    private final long[] tree = new long[MAX_TRACKED_LENGTH + 1];
    private long finished;
    private int longest;
    /** {@code alive[x] = #(O > x)} for {@code x <= longest}, rebuilt before a decision when new finishes came in. */
    private long[] alive = new long[1];

    private long aliveBuiltAt = -1;

    @Override
    public String name() {
        return "hazard";
    }

    @Override
    public void onFinished(int outputTokens) {
        record(outputTokens, 1);
    }

    private void record(int outputTokens, long count) {
        int x = Math.max(1, Math.min(MAX_TRACKED_LENGTH, outputTokens));
        longest = Math.max(longest, x);
        for (int i = x; i <= MAX_TRACKED_LENGTH; i += i & -i) {
            tree[i] += count;
        }
        finished += count;
    }

    @Override
    public void beforeDecision() {
        if (aliveBuiltAt == finished) {
            return;
        }
        if (alive.length < longest + 1) {
            alive = new long[Math.max(longest + 1, alive.length * 2)];
        }
        for (int x = 0; x <= longest; x++) {
            alive[x] = countAbove(x);
        }
        aliveBuiltAt = finished;
    }

    @Override
    public boolean predictsDistributions() {
        return true;
    }

    @Override
    public double survival(long sequence, int generated, int outputTokens, int steps) {
        if (aliveBuiltAt != finished) {
            beforeDecision();
        }
        if (generated >= longest || finished == 0) {
            return 1.0;
        }
        long now = alive[generated];
        return now == 0 ? 1.0 : (double) alive[Math.min(longest, generated + steps)] / now;
    }

    /** The finished lengths as (length, count) pairs, sparse: a few hundred distinct lengths, not 2^17 counters. */
    @Override
    public long[] saveState() {
        long[] pairs = new long[2 * Math.max(1, longest)];
        int n = 0;
        for (int x = 1; x <= longest; x++) {
            long count = prefix(x) - prefix(x - 1);
            if (count > 0) {
                pairs[n++] = x;
                pairs[n++] = count;
            }
        }
        return java.util.Arrays.copyOf(pairs, n);
    }

    @Override
    public void restoreState(long[] state) {
        java.util.Arrays.fill(tree, 0L);
        finished = 0;
        longest = 0;
        aliveBuiltAt = -1;
        for (int i = 0; i + 1 < state.length; i += 2) {
            record((int) state[i], state[i + 1]);
        }
    }

    public long observations() {
        return finished;
    }

    /** Empirical {@code #(O > x) / n}; NaN before any observation. */
    public double survival(int x) {
        if (finished == 0) {
            return Double.NaN;
        }
        return (double) countAbove(x) / finished;
    }

    /** Empirical {@code P(O > a + h | O > a)}; NaN when no finished request outlived {@code a}. */
    public double conditionalSurvival(int generated, int steps) {
        long alive = countAbove(generated);
        if (alive == 0) {
            return Double.NaN;
        }
        return (double) countAbove(generated + steps) / alive;
    }

    @Override
    public int remaining(long sequence, int generated, int outputTokens) {
        long alive = countAbove(generated);
        if (alive == 0) {
            return UNKNOWN;
        }
        long keepAbove = alive / 2;
        // smallest x with #(O <= x) >= n - keepAbove, i.e. #(O > x) <= keepAbove
        int x = smallestWithPrefixAtLeast(finished - keepAbove);
        return Math.max(1, x - generated);
    }

    private long countAbove(int x) {
        if (x <= 0) {
            return finished;
        }
        return finished - prefix(Math.min(x, MAX_TRACKED_LENGTH));
    }

    private long prefix(int x) {
        long sum = 0;
        for (int i = x; i > 0; i -= i & -i) {
            sum += tree[i];
        }
        return sum;
    }

    private int smallestWithPrefixAtLeast(long target) {
        int pos = 0;
        long remaining = target;
        for (int step = Integer.highestOneBit(MAX_TRACKED_LENGTH); step > 0; step >>= 1) {
            int next = pos + step;
            if (next <= MAX_TRACKED_LENGTH && tree[next] < remaining) {
                pos = next;
                remaining -= tree[next];
            }
        }
        return pos + 1;
    }
}
