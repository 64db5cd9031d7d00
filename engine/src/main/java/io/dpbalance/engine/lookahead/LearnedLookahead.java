package io.dpbalance.engine.lookahead;

import java.util.Arrays;
import java.util.Locale;

/**
 * Learned online from requests that already finished, using only what is known of a running request: its prompt
 * length and the tokens it has generated so far (docs/design.md §5.2, {@code learned}). No oracle.
 *
 * <p><b>The predictor.</b> Finished requests are counted per prompt-length bucket (bucket {@code b} holds prompts in
 * {@code [ratio^b, ratio^(b+1))}) and pooled: {@code alive_b[x] = #(finished in b with O > x)}. A running request in
 * bucket b with {@code a} tokens generated survives {@code h} more steps with probability
 * <pre>
 *   P(O > a + h | O > a, b) = (alive_b[a + h] + k q) / (alive_b[a] + k),   q = alive[a + h] / alive[a] (pooled)
 * </pre>
 * so a bucket with few requests still alive at that age leans on the pooled survival (prior strength {@code k},
 * parameter {@code prior}); a request older than every finished one is assumed to keep running.
 *
 * <p><b>Its confidence, and the horizon.</b> Before a finished request is counted, the predictor is scored on it
 * (prequentially: with what was known before it finished) at ages drawn uniformly over its life, weighted by the steps
 * it spent there, so the scoring sample looks like the running requests of a random step. For each horizon
 * {@code h} of {@link #SKILL_HORIZONS} the outcome "leaves within h steps" is scored against the predicted
 * probability: the Brier skill {@code 1 - sum (D - p)^2 / sum (D - mean D)^2}, 0 for a predictor that knows no
 * more than the average departure rate (every running request looks alike; future terms then only add noise to
 * BF-IO's choice), 1 for the oracle. {@link #horizon(int)} gives BF-IO the longest horizon whose skill reaches
 * {@code min-skill}, and 0 (BF-IO at {@code h = 0}) until one does.
 */
public final class LearnedLookahead implements Lookahead {

    public static final double DEFAULT_PRIOR = 16;
    public static final double DEFAULT_RATIO = 2;
    public static final double DEFAULT_MIN_SKILL = 0.03;
    /** Finished requests scored before the skill is trusted. */
    public static final int DEFAULT_WARMUP = 200;
    /** Requests that never finish assumed in every bucket and the pool: 0, none (the survival of finished ones). */
    public static final double DEFAULT_TAIL = 0;

    public static final int MAX_TRACKED_LENGTH = 1 << 17;
    /** Horizons whose skill is tracked; {@link #horizon(int)} picks among them. */
    static final int[] SKILL_HORIZONS = {1, 2, 3, 5, 8, 12, 16, 20, 30, 40, 60, 80, 120};
    /** Ages scored per finished request. */
    private static final int SCORED_AGES = 16;

    private static final int MAX_BUCKETS = 64;

    private final double prior;
    private final double ratio;
    private final double minSkill;
    private final int warmup;
    private final double tail;
    private final double logRatio;
    private final String name;
    /** The last prompt bucketed and its bucket: a decision asks for one request's survival H times in a row. */
    private int lastPrompt = -1;

    private int lastBucket = -1;

    /** {@code alive[b][x] = #(finished in bucket b with O > x)}; bucket {@code MAX_BUCKETS} is the pool. */
    private final int[][] alive = new int[MAX_BUCKETS + 1][];

    private final int[] longest = new int[MAX_BUCKETS + 1];
    private long finished;

    private final double[] skillWeight = new double[SKILL_HORIZONS.length];
    private final double[] skillHits = new double[SKILL_HORIZONS.length];
    private final double[] skillSquaredError = new double[SKILL_HORIZONS.length];
    private long scored;

    public LearnedLookahead() {
        this(DEFAULT_PRIOR, DEFAULT_RATIO, DEFAULT_MIN_SKILL, DEFAULT_WARMUP);
    }

    public LearnedLookahead(double prior, double ratio, double minSkill, int warmup) {
        this(prior, ratio, minSkill, warmup, DEFAULT_TAIL);
    }

    /**
     * @param prior    pseudo-count k of the pooled survival in a bucket's estimate, >= 0
     * @param ratio    prompt-length ratio between bucket bounds, > 1 (a huge ratio: one bucket, no conditioning)
     * @param minSkill Brier skill a horizon needs before BF-IO uses it, in [0, 1]; 0 trusts any horizon at once
     * @param warmup   finished requests scored before any horizon is trusted, >= 0
     * @param tail     pseudo-count m of requests that never finish, added to every bucket and the pool: the survival
     *                 where few finished requests reached an age leans toward "keeps running" instead of toward
     *                 "leaves by the longest length seen so far" (finished requests under-represent long ones while
     *                 they are still running); >= 0, 0 = none
     */
    public LearnedLookahead(double prior, double ratio, double minSkill, int warmup, double tail) {
        if (!(prior >= 0) || Double.isInfinite(prior)) {
            throw new IllegalArgumentException("learned lookahead: prior must be a number >= 0, got " + prior);
        }
        if (!(ratio > 1)) {
            throw new IllegalArgumentException("learned lookahead: ratio must be > 1, got " + ratio);
        }
        if (!(minSkill >= 0) || minSkill > 1) {
            throw new IllegalArgumentException("learned lookahead: min-skill must be in [0, 1], got " + minSkill);
        }
        if (warmup < 0) {
            throw new IllegalArgumentException("learned lookahead: warmup must be >= 0, got " + warmup);
        }
        if (!(tail >= 0) || Double.isInfinite(tail)) {
            throw new IllegalArgumentException("learned lookahead: tail must be a number >= 0, got " + tail);
        }
        this.prior = prior;
        this.ratio = ratio;
        this.minSkill = minSkill;
        this.warmup = warmup;
        this.tail = tail;
        this.logRatio = Math.log(ratio);
        for (int b = 0; b <= MAX_BUCKETS; b++) {
            alive[b] = new int[0];
        }
        StringBuilder sb = new StringBuilder("learned");
        if (prior != DEFAULT_PRIOR) {
            sb.append(":prior=").append(fmt(prior));
        }
        if (ratio != DEFAULT_RATIO) {
            sb.append(":ratio=").append(fmt(ratio));
        }
        if (minSkill != DEFAULT_MIN_SKILL) {
            sb.append(":min-skill=").append(fmt(minSkill));
        }
        if (warmup != DEFAULT_WARMUP) {
            sb.append(":warmup=").append(warmup);
        }
        if (tail != DEFAULT_TAIL) {
            sb.append(":tail=").append(fmt(tail));
        }
        this.name = sb.toString();
    }

    /** Parses the parameters after {@code learned}: {@code key=value} pieces separated by ':'. */
    static LearnedLookahead parse(String text, String params) {
        double prior = DEFAULT_PRIOR;
        double ratio = DEFAULT_RATIO;
        double minSkill = DEFAULT_MIN_SKILL;
        int warmup = DEFAULT_WARMUP;
        double tail = DEFAULT_TAIL;
        for (String piece : params.split(":")) {
            if (piece.isBlank()) {
                continue;
            }
            int eq = piece.indexOf('=');
            String key = eq < 0 ? piece.trim() : piece.substring(0, eq).trim();
            String value = eq < 0 ? "" : piece.substring(eq + 1).trim();
            try {
                switch (key) {
                    case "prior" -> prior = Double.parseDouble(value);
                    case "ratio" -> ratio = Double.parseDouble(value);
                    case "min-skill" -> minSkill = Double.parseDouble(value);
                    case "warmup" -> warmup = Integer.parseInt(value);
                    case "tail" -> tail = Double.parseDouble(value);
                    default ->
                        throw new IllegalArgumentException(
                                "lookahead '" + text + "': learned has no parameter '" + key
                                        + "'; known: prior, ratio, min-skill, warmup, tail (e.g. learned:prior=16:min-skill=0.03)");
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "lookahead '" + text + "': learned " + key + " needs a number, got '" + value + "'");
            }
        }
        try {
            return new LearnedLookahead(prior, ratio, minSkill, warmup, tail);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("lookahead '" + text + "': " + e.getMessage(), e);
        }
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%s", v);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean predictsDistributions() {
        return true;
    }

    /** The prompt-length bucket of {@code promptTokens}; prompts of 0 or less (unknown) have none (-1). */
    int bucket(int promptTokens) {
        if (promptTokens <= 0) {
            return -1;
        }
        if (promptTokens == lastPrompt) {
            return lastBucket;
        }
        lastPrompt = promptTokens;
        return lastBucket = Math.min(MAX_BUCKETS - 1, (int) Math.floor(Math.log(promptTokens) / logRatio + 1e-9));
    }

    @Override
    public void onFinished(int outputTokens) {
        onFinished(0, outputTokens);
    }

    @Override
    public void onFinished(int promptTokens, int outputTokens) {
        int x = Math.max(1, Math.min(MAX_TRACKED_LENGTH, outputTokens));
        int b = bucket(promptTokens);
        score(b, x);
        record(MAX_BUCKETS, x, 1);
        if (b >= 0) {
            record(b, x, 1);
        }
        finished++;
    }

    private void record(int b, int x, int count) {
        int[] a = alive[b];
        if (a.length < x) {
            a = Arrays.copyOf(a, Math.min(MAX_TRACKED_LENGTH, Math.max(x, 2 * a.length)));
            alive[b] = a;
        }
        for (int i = 0; i < x; i++) {
            a[i] += count;
        }
        longest[b] = Math.max(longest[b], x);
    }

    /** Scores the predictions made before this request finished, at ages drawn over its life. */
    private void score(int b, int length) {
        if (finished == 0) {
            return;
        }
        // ages drawn uniformly over the request's life (a hash of the scoring count, so runs repeat), weighted by
        // its length: a sample of running request-steps, as a decision sees them
        double weight = (double) length / SCORED_AGES;
        for (int s = 0; s < SCORED_AGES; s++) {
            long bits = NoisyLookahead.mix(0x5DEECE66DL + scored * SCORED_AGES + s);
            int age = (int) (((bits >>> 11) * 0x1.0p-53) * length);
            for (int k = 0; k < SKILL_HORIZONS.length; k++) {
                int h = SKILL_HORIZONS[k];
                double leaves = length <= age + h ? 1.0 : 0.0;
                double p = 1.0 - conditional(b, age, h);
                skillWeight[k] += weight;
                skillHits[k] += weight * leaves;
                skillSquaredError[k] += weight * (leaves - p) * (leaves - p);
            }
        }
        scored++;
    }

    /** Brier skill of "leaves within {@code SKILL_HORIZONS[k]} steps" so far; 0 before any outcome varied. */
    double skill(int k) {
        double w = skillWeight[k];
        if (w == 0) {
            return 0;
        }
        double rate = skillHits[k] / w;
        double baseline = rate * (1 - rate);
        return baseline <= 0 ? 0 : 1 - skillSquaredError[k] / w / baseline;
    }

    /** The Brier skill so far at the tracked horizon nearest {@code h}, for reports and tests. */
    public double skillAt(int h) {
        int best = 0;
        for (int k = 1; k < SKILL_HORIZONS.length; k++) {
            if (Math.abs(SKILL_HORIZONS[k] - h) < Math.abs(SKILL_HORIZONS[best] - h)) {
                best = k;
            }
        }
        return skill(best);
    }

    /**
     * The longest tracked horizon up to {@code max} whose skill reaches {@code min-skill} ({@code max} itself when
     * the next tracked horizon beyond it does), 0 while fewer than {@code warmup} requests were scored.
     */
    @Override
    public int horizon(int max) {
        if (scored < warmup || max <= 0) {
            return 0;
        }
        int best = 0;
        for (int k = 0; k < SKILL_HORIZONS.length; k++) {
            int h = SKILL_HORIZONS[k];
            if (skill(k) >= minSkill) {
                best = Math.min(h, max);
            }
            if (h >= max) {
                break;
            }
        }
        return best;
    }

    @Override
    public double survival(long sequence, int generated, int outputTokens, int steps) {
        return conditional(-1, generated, steps);
    }

    @Override
    public double survival(long sequence, int promptTokens, int generated, int outputTokens, int steps) {
        return conditional(bucket(promptTokens), generated, steps);
    }

    /** {@code P(O > a + h | O > a)} in bucket {@code b} (-1: pooled), smoothed toward the pooled estimate. */
    double conditional(int b, int generated, int steps) {
        int[] pool = alive[MAX_BUCKETS];
        int a = Math.max(0, generated);
        if (a >= longest[MAX_BUCKETS]) {
            return 1.0;
        }
        int poolNow = pool[a];
        int end = a + steps;
        double q = ((end >= longest[MAX_BUCKETS] ? 0.0 : pool[end]) + tail) / (poolNow + tail);
        if (b < 0) {
            return q;
        }
        int[] own = alive[b];
        int now = a < longest[b] ? own[a] : 0;
        int later = end < longest[b] ? own[end] : 0;
        double denominator = now + tail + prior;
        return denominator <= 0 ? q : (later + tail + prior * q) / denominator;
    }

    @Override
    public int remaining(long sequence, int generated, int outputTokens) {
        int[] pool = alive[MAX_BUCKETS];
        int a = Math.max(0, generated);
        if (a >= longest[MAX_BUCKETS]) {
            return UNKNOWN;
        }
        // conditional median residual life of the pooled estimate
        int keep = pool[a] / 2;
        int x = a;
        while (x < longest[MAX_BUCKETS] && pool[x] > keep) {
            x++;
        }
        return Math.max(1, x - a);
    }

    public long observations() {
        return finished;
    }

    /**
     * What was learned, as {@code [finished, scored, 3 sums per skill horizon (as raw double bits), then (bucket,
     * length, count) triples]}; the pool is rebuilt from the buckets plus bucket {@code MAX_BUCKETS} entries of
     * requests with no prompt.
     */
    @Override
    public long[] saveState() {
        int horizons = SKILL_HORIZONS.length;
        long[] out = new long[2 + 3 * horizons + 64];
        int n = 0;
        out[n++] = finished;
        out[n++] = scored;
        for (int k = 0; k < horizons; k++) {
            out[n++] = Double.doubleToRawLongBits(skillWeight[k]);
            out[n++] = Double.doubleToRawLongBits(skillHits[k]);
            out[n++] = Double.doubleToRawLongBits(skillSquaredError[k]);
        }
        int[] pooledFromBuckets = new int[longest[MAX_BUCKETS]];
        for (int b = 0; b < MAX_BUCKETS; b++) {
            int[] a = alive[b];
            for (int x = 1; x <= longest[b]; x++) {
                int count = a[x - 1] - (x < longest[b] ? a[x] : 0);
                if (count > 0) {
                    if (n + 3 > out.length) {
                        out = Arrays.copyOf(out, out.length * 2);
                    }
                    out[n++] = b;
                    out[n++] = x;
                    out[n++] = count;
                    pooledFromBuckets[x - 1] += count;
                }
            }
        }
        int[] pool = alive[MAX_BUCKETS];
        int l = longest[MAX_BUCKETS];
        for (int x = 1; x <= l; x++) {
            int count = pool[x - 1] - (x < l ? pool[x] : 0) - pooledFromBuckets[x - 1];
            if (count > 0) {
                if (n + 3 > out.length) {
                    out = Arrays.copyOf(out, out.length * 2);
                }
                out[n++] = MAX_BUCKETS;
                out[n++] = x;
                out[n++] = count;
            }
        }
        return Arrays.copyOf(out, n);
    }

    @Override
    public void restoreState(long[] state) {
        for (int b = 0; b <= MAX_BUCKETS; b++) {
            alive[b] = new int[0];
            longest[b] = 0;
        }
        Arrays.fill(skillWeight, 0);
        Arrays.fill(skillHits, 0);
        Arrays.fill(skillSquaredError, 0);
        finished = 0;
        scored = 0;
        if (state.length == 0) {
            return;
        }
        int n = 0;
        finished = state[n++];
        scored = state[n++];
        for (int k = 0; k < SKILL_HORIZONS.length; k++) {
            skillWeight[k] = Double.longBitsToDouble(state[n++]);
            skillHits[k] = Double.longBitsToDouble(state[n++]);
            skillSquaredError[k] = Double.longBitsToDouble(state[n++]);
        }
        for (; n + 2 < state.length; n += 3) {
            int b = (int) state[n];
            int x = (int) state[n + 1];
            int count = (int) state[n + 2];
            record(MAX_BUCKETS, x, count);
            if (b < MAX_BUCKETS) {
                record(b, x, count);
            }
        }
    }
}
