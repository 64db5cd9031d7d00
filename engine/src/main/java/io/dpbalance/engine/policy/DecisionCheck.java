package io.dpbalance.engine.policy;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;

/**
 * BF-IO's decision-level self-check ({@code bfio:...,check=true|calibrate}, docs/design.md §5.3): how far ahead do the
 * lookahead's predictions help the decision, judged by what actually happened? Learned online from finished requests
 * only, no oracle.
 *
 * <p>BF-IO's choice depends on the projection only through how the ranks' projected loads differ; the lookahead
 * enters as the load each rank is predicted to lose by step {@code k + h}, {@code P_g(h)} (the rank's current load
 * minus its projected load). {@code h = 0} implicitly predicts that every rank loses alike. At each refill the check
 * keeps {@code P_g(h)} for the requests running then (the cohort); as they finish ({@link #onFinished}) it learns the
 * load each rank really lost, {@code R_g(h)}. Once the horizon has passed it scores, per {@code h}, the prediction's
 * deviations from the mean over ranks against the realized ones:
 * <pre>
 *   skill(h) = 1 - sum (r - p)^2 / sum r^2,   p = P_g(h) - mean_g P(h),  r = R_g(h) - mean_g R(h)
 * </pre>
 * summed over ranks and judged decisions: 0 is "every rank loses alike" (what {@code h = 0} assumes), below 0 the
 * lookahead's differences between ranks are worse than none. {@link #horizon(int)} ({@code check=true}) gives BF-IO
 * the longest horizon whose predictions taken together ({@link #skillUpTo}) have skill above 0, and 0 until
 * {@link #WARMUP} decisions were judged: where the lookahead's per-rank predictions do not beat "all alike", BF-IO is
 * exactly {@code bfio:h=0}. {@link #calibration(int)} ({@code check=calibrate}) is the least-squares factor in [0, 1]
 * by which BF-IO scales the predicted differences instead.
 */
final class DecisionCheck {

    /** Judged decisions before any horizon is trusted. */
    static final int WARMUP = 100;

    private final int horizon;
    /** BF-IO's weight of each step, {@code decay^h}. */
    private final double[] discount;

    private final ArrayDeque<Judged> pending = new ArrayDeque<>();
    /** Per h: sum of r^2, sum of (r - p)^2. */
    private final double[] realized;

    private final double[] error;
    /** Per h: sum of r p and of p^2, for the calibration factor. */
    private final double[] cross;

    private final double[] predictedSquares;
    private long judged;

    /** One decision waiting for its horizon to pass. */
    private static final class Judged {
        final long step;
        final int ranks;
        final int last;
        /** {@code predicted[h * ranks + g]}: load rank g was predicted to lose by h steps after the decision. */
        final double[] predicted;
        /** {@code gone[h * ranks + g]}: load of rank g's cohort that finished exactly h steps after the decision. */
        final double[] gone;

        Judged(long step, int ranks, int last, double[] predicted) {
            this.step = step;
            this.ranks = ranks;
            this.last = last;
            this.predicted = predicted;
            this.gone = new double[(last + 1) * ranks];
        }
    }

    DecisionCheck(int horizon, double decay) {
        this.horizon = horizon;
        this.discount = MarginScore.powers(decay, horizon);
        this.realized = new double[horizon + 1];
        this.error = new double[horizon + 1];
        this.cross = new double[horizon + 1];
        this.predictedSquares = new double[horizon + 1];
    }

    /**
     * Records the prediction of a decision taken in the refill after step {@code step}, before its placements.
     *
     * @param projection the projection of the running requests, as far ahead as the lookahead predicts
     */
    void record(long step, LoadProjection projection) {
        int ranks = projection.ranks();
        int last = Math.min(horizon, projection.horizon());
        if (last < 1) {
            return;
        }
        double[] predicted = new double[(last + 1) * ranks];
        for (int h = 1; h <= last; h++) {
            for (int g = 0; g < ranks; g++) {
                predicted[h * ranks + g] = projection.load(0, g) - projection.load(h, g);
            }
        }
        pending.addLast(new Judged(step, ranks, last, predicted));
    }

    /**
     * A request of rank {@code rank} finished at step {@code step} after {@code outputTokens} tokens: it was placed in
     * the refill after step {@code step - outputTokens}, so it belonged to the cohort of every pending decision taken
     * between then and now, with the load it had at that decision.
     */
    void onFinished(int rank, int promptTokens, int outputTokens, long step) {
        long placed = step - outputTokens;
        for (Judged j : pending) {
            long ahead = step - j.step;
            if (j.step > placed && ahead >= 1 && ahead <= j.last) {
                j.gone[(int) ahead * j.ranks + rank] += promptTokens + (j.step - placed);
            }
        }
    }

    /** Judges every pending decision whose horizon has passed by step {@code step} (all its departures are known). */
    void judge(long step) {
        Iterator<Judged> it = pending.iterator();
        while (it.hasNext()) {
            Judged j = it.next();
            if (j.step + j.last > step) {
                break;
            }
            it.remove();
            int ranks = j.ranks;
            double[] lost = new double[ranks];
            for (int h = 1; h <= j.last; h++) {
                double meanPredicted = 0;
                double meanLost = 0;
                for (int g = 0; g < ranks; g++) {
                    lost[g] += j.gone[h * ranks + g];
                    meanPredicted += j.predicted[h * ranks + g];
                    meanLost += lost[g];
                }
                meanPredicted /= ranks;
                meanLost /= ranks;
                for (int g = 0; g < ranks; g++) {
                    double r = lost[g] - meanLost;
                    double p = j.predicted[h * ranks + g] - meanPredicted;
                    double e = r - p;
                    realized[h] += r * r;
                    error[h] += e * e;
                    cross[h] += r * p;
                    predictedSquares[h] += p * p;
                }
            }
            judged++;
        }
    }

    /** The skill so far of the predicted per-rank losses {@code h} steps ahead; 0 before anything was judged. */
    double skill(int h) {
        return realized[h] <= 0 ? 0 : 1 - error[h] / realized[h];
    }

    /**
     * The skill of the predictions up to {@code h} steps ahead taken together, each step weighted as BF-IO's
     * objective weighs it ({@code decay^h}): {@code 1 - sum_h' decay^h' error(h') / sum_h' decay^h' realized(h')}.
     */
    double skillUpTo(int h) {
        double e = 0;
        double r = 0;
        for (int s = 1; s <= h; s++) {
            e += discount[s] * error[s];
            r += discount[s] * realized[s];
        }
        return r <= 0 ? 0 : 1 - e / r;
    }

    /**
     * The longest horizon up to {@code max} whose predictions, taken together ({@link #skillUpTo}), beat "every rank
     * loses alike"; 0 while fewer than {@link #WARMUP} decisions were judged, or none does.
     */
    int horizon(int max) {
        if (judged < WARMUP) {
            return 0;
        }
        for (int h = Math.min(max, horizon); h >= 1; h--) {
            if (skillUpTo(h) > 0) {
                return h;
            }
        }
        return 0;
    }

    /** The least-squares factor, in [0, 1], by which the predicted per-rank differences best match the realized. */
    double calibration(int h) {
        return predictedSquares[h] <= 0 ? 0 : Math.max(0, Math.min(1, cross[h] / predictedSquares[h]));
    }

    long judged() {
        return judged;
    }

    /**
     * Everything, for checkpoints, so a restored check judges and chooses exactly as this one: {@code [judged, then per
     * h = 0..H the four sums (raw double bits), the number of pending decisions, then per pending decision its step,
     * ranks, horizon, predicted and realized losses (raw double bits)]}.
     */
    long[] saveState() {
        int size = 2 + 4 * (horizon + 1);
        for (Judged j : pending) {
            size += 3 + 2 * j.predicted.length;
        }
        long[] out = new long[size];
        int n = 0;
        out[n++] = judged;
        for (int h = 0; h <= horizon; h++) {
            out[n++] = Double.doubleToRawLongBits(realized[h]);
            out[n++] = Double.doubleToRawLongBits(error[h]);
            out[n++] = Double.doubleToRawLongBits(cross[h]);
            out[n++] = Double.doubleToRawLongBits(predictedSquares[h]);
        }
        out[n++] = pending.size();
        for (Judged j : pending) {
            out[n++] = j.step;
            out[n++] = j.ranks;
            out[n++] = j.last;
            for (double v : j.predicted) {
                out[n++] = Double.doubleToRawLongBits(v);
            }
            for (double v : j.gone) {
                out[n++] = Double.doubleToRawLongBits(v);
            }
        }
        return out;
    }

    /** Restores what {@link #saveState} returned; an empty state (a policy saved without the check) starts afresh. */
    void restoreState(long[] state) {
        pending.clear();
        Arrays.fill(realized, 0);
        Arrays.fill(error, 0);
        Arrays.fill(cross, 0);
        Arrays.fill(predictedSquares, 0);
        judged = 0;
        if (state.length == 0) {
            return;
        }
        if (state.length < 2 + 4 * (horizon + 1)) {
            throw new IllegalArgumentException("bfio check state of " + state.length + " values, expected at least "
                    + (2 + 4 * (horizon + 1)) + " for h=" + horizon);
        }
        int n = 0;
        judged = state[n++];
        for (int h = 0; h <= horizon; h++) {
            realized[h] = Double.longBitsToDouble(state[n++]);
            error[h] = Double.longBitsToDouble(state[n++]);
            cross[h] = Double.longBitsToDouble(state[n++]);
            predictedSquares[h] = Double.longBitsToDouble(state[n++]);
        }
        long count = state[n++];
        for (long i = 0; i < count; i++) {
            long step = state[n++];
            int ranks = (int) state[n++];
            int last = (int) state[n++];
            double[] predicted = new double[(last + 1) * ranks];
            for (int k = 0; k < predicted.length; k++) {
                predicted[k] = Double.longBitsToDouble(state[n++]);
            }
            Judged j = new Judged(step, ranks, last, predicted);
            for (int k = 0; k < j.gone.length; k++) {
                j.gone[k] = Double.longBitsToDouble(state[n++]);
            }
            pending.addLast(j);
        }
    }
}
