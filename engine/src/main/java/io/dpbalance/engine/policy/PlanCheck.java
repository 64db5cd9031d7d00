package io.dpbalance.engine.policy;

import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * BF-IO's plan-level self-check ({@code bfio:...,check=plan}, docs/design.md §5.3): does looking ahead choose better
 * placements than {@code h = 0}, judged on what actually happened? Learned online from finished requests only, no
 * oracle.
 *
 * <p>At each refill BF-IO plans twice, once on the lookahead's projection and once on the current step only
 * ({@code h = 0}), places one plan and keeps, per rank, the prompt mass each plan adds and the load of the requests
 * running then (the cohort). As the cohort finishes ({@link #onFinished}) it learns the load each rank really had
 * h steps on. Once the horizon has passed it scores both plans with the integer program's own objective on those
 * realized loads, each plan's admitted requests taken to run through the horizon:
 * <pre>
 *   cost(plan) = sum_{h=0..H} decay^h ( G max_g L_g(h) - sum_g L_g(h) ),   L_g(h) = cohort_g(h) + mass_g(plan)
 * </pre>
 * and adds {@code cost(h = 0 plan) - cost(lookahead plan)} to its advantage. BF-IO places the lookahead's plan while
 * the advantage summed over the judged decisions is above 0 and at least {@link DecisionCheck#WARMUP} decisions where
 * the plans differ were judged; otherwise the {@code h = 0} plan, so it is {@code bfio:h=0} until looking ahead has
 * paid. Both plans are judged on the same realized departures whichever one was placed, so the judgement needs no
 * lookahead of its own: it asks only which placement would have balanced the cohort's real future better.
 */
final class PlanCheck {

    private final int horizon;
    /** BF-IO's weight of each step, {@code decay^h}. */
    private final double[] discount;

    private final ArrayDeque<Judged> pending = new ArrayDeque<>();
    /** Sum over judged decisions of cost(h = 0 plan) - cost(lookahead plan): above 0, looking ahead paid. */
    private double advantage;

    private long judged;

    /** One decision waiting for its horizon to pass. */
    private static final class Judged {
        final long step;
        final int ranks;
        final int last;
        /** Per rank: the cohort's load at the decision, then the mass of the h = 0 plan, then of the lookahead's. */
        final double[] loads;
        /** {@code gone[h * ranks + g]}: load of rank g's cohort that finished exactly h steps after the decision. */
        final double[] gone;

        Judged(long step, int ranks, int last, double[] loads) {
            this.step = step;
            this.ranks = ranks;
            this.last = last;
            this.loads = loads;
            this.gone = new double[(last + 1) * ranks];
        }
    }

    PlanCheck(int horizon, double decay) {
        this.horizon = horizon;
        this.discount = MarginScore.powers(decay, horizon);
    }

    /** True when BF-IO should place the lookahead's plan rather than the {@code h = 0} plan. */
    boolean trusted() {
        return judged >= DecisionCheck.WARMUP && advantage > 0;
    }

    /**
     * Records a decision taken in the refill after step {@code step} with horizon {@code last}: the cohort's load per
     * rank ({@code projection} at h = 0, before placements) and the prompt mass per rank of each plan. A decision
     * where both plans add the same mass to every rank is not recorded (nothing to judge).
     */
    void record(long step, LoadProjection projection, int last, double[] flatMass, double[] aheadMass) {
        int ranks = projection.ranks();
        last = Math.min(last, horizon);
        if (last < 1 || java.util.Arrays.equals(flatMass, aheadMass)) {
            return;
        }
        double[] loads = new double[3 * ranks];
        for (int g = 0; g < ranks; g++) {
            loads[g] = projection.load(0, g);
            loads[ranks + g] = flatMass[g];
            loads[2 * ranks + g] = aheadMass[g];
        }
        pending.addLast(new Judged(step, ranks, last, loads));
    }

    /** As {@link DecisionCheck#onFinished}: the finished request's load leaves its rank's cohort in every pending decision. */
    void onFinished(int rank, int promptTokens, int outputTokens, long step) {
        long placed = step - outputTokens;
        for (Judged j : pending) {
            long ahead = step - j.step;
            if (j.step > placed && ahead >= 1 && ahead <= j.last) {
                j.gone[(int) ahead * j.ranks + rank] += promptTokens + (j.step - placed);
            }
        }
    }

    /** Judges every pending decision whose horizon has passed by step {@code step}. */
    void judge(long step) {
        Iterator<Judged> it = pending.iterator();
        while (it.hasNext()) {
            Judged j = it.next();
            if (j.step + j.last > step) {
                break;
            }
            it.remove();
            advantage += cost(j, j.ranks) - cost(j, 2 * j.ranks);
            judged++;
        }
    }

    /** The discounted realized objective of the plan whose masses start at {@code loads[offset]}. */
    private double cost(Judged j, int offset) {
        int ranks = j.ranks;
        double[] cohort = new double[ranks];
        System.arraycopy(j.loads, 0, cohort, 0, ranks);
        double total = 0;
        for (int h = 0; h <= j.last; h++) {
            double max = Double.NEGATIVE_INFINITY;
            double sum = 0;
            for (int g = 0; g < ranks; g++) {
                cohort[g] -= j.gone[h * ranks + g];
                double l = cohort[g] + j.loads[offset + g];
                max = Math.max(max, l);
                sum += l;
            }
            total += discount[h] * (ranks * max - sum);
        }
        return total;
    }

    double advantage() {
        return advantage;
    }

    long judged() {
        return judged;
    }

    /**
     * Everything, for checkpoints: {@code [judged, advantage (raw double bits), the number of pending decisions, then
     * per pending decision its step, ranks, horizon, loads and realized departures (raw double bits)]}.
     */
    long[] saveState() {
        int size = 3;
        for (Judged j : pending) {
            size += 3 + j.loads.length + j.gone.length;
        }
        long[] out = new long[size];
        int n = 0;
        out[n++] = judged;
        out[n++] = Double.doubleToRawLongBits(advantage);
        out[n++] = pending.size();
        for (Judged j : pending) {
            out[n++] = j.step;
            out[n++] = j.ranks;
            out[n++] = j.last;
            for (double v : j.loads) {
                out[n++] = Double.doubleToRawLongBits(v);
            }
            for (double v : j.gone) {
                out[n++] = Double.doubleToRawLongBits(v);
            }
        }
        return out;
    }

    /** Restores what {@link #saveState} returned; an empty state starts afresh. */
    void restoreState(long[] state) {
        pending.clear();
        advantage = 0;
        judged = 0;
        if (state.length == 0) {
            return;
        }
        if (state.length < 3) {
            throw new IllegalArgumentException("bfio plan check state of " + state.length + " values, expected >= 3");
        }
        int n = 0;
        judged = state[n++];
        advantage = Double.longBitsToDouble(state[n++]);
        long count = state[n++];
        for (long i = 0; i < count; i++) {
            long step = state[n++];
            int ranks = (int) state[n++];
            int last = (int) state[n++];
            double[] loads = new double[3 * ranks];
            for (int k = 0; k < loads.length; k++) {
                loads[k] = Double.longBitsToDouble(state[n++]);
            }
            Judged j = new Judged(step, ranks, last, loads);
            for (int k = 0; k < j.gone.length; k++) {
                j.gone[k] = Double.longBitsToDouble(state[n++]);
            }
            pending.addLast(j);
        }
    }
}
