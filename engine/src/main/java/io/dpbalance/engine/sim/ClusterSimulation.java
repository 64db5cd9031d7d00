package io.dpbalance.engine.sim;

import io.dpbalance.engine.lookahead.Lookahead;
import io.dpbalance.engine.metrics.StepStats;
import io.dpbalance.engine.metrics.StepStatsCalculator;
import io.dpbalance.engine.model.Request;
import io.dpbalance.engine.policy.Policy;
import io.dpbalance.engine.policy.RefillContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The decode-step loop of docs/design.md §3 for one cluster, one step at a time. Both workload modes, the simulator CLI,
 * the shadow-scheduling operator and datagen's decode-log synthesis drive this one class; it owns the step
 * semantics:
 * <ol>
 *   <li>step time from the loads entering the step, {@code T = cost(max_g L_g)};</li>
 *   <li>decode: every running request generates one token;</li>
 *   <li>departures: requests with {@code a_j = o_j} leave their rank;</li>
 *   <li>the step's metrics, on the loads after decode and departures;</li>
 *   <li>refill: the policy places pool requests into free slots ({@link #refill()}, called by the driver).</li>
 * </ol>
 * Running requests live in flat per-slot arrays (slot = rank * B + index), so the hot loop touches no objects.
 */
public final class ClusterSimulation {

    private final ClusterConfig config;
    private final int ranks;
    private final int batch;
    private final Policy policy;
    private final Lookahead lookahead;
    private final SimulationListener listener;

    private final int[] slotPrompt;
    private final int[] slotGenerated;
    private final int[] slotOutput;
    private final double[] slotPlacedAt;
    private final Request[] slotRequest;
    private final int[] running;
    private final long[] load;
    private int totalRunning;

    private final List<PoolEntry> pool = new ArrayList<>();
    private final int[] waitingBound;
    private final List<PoolEntry> placedThisRefill = new ArrayList<>();

    private double clock;
    private long step;
    private long lastPlacementStep = -1;
    private long decisions;

    private final Context context = new Context();
    private DecodeObserver decodeObserver;
    private int[] runningAtStart = new int[0];

    public ClusterSimulation(ClusterConfig config, Policy policy, Lookahead lookahead, SimulationListener listener) {
        this.config = config;
        this.ranks = config.ranks();
        this.batch = config.batch();
        this.policy = policy;
        this.lookahead = lookahead;
        this.listener = listener == null ? SimulationListener.NONE : listener;
        int slots = ranks * batch;
        this.slotPrompt = new int[slots];
        this.slotGenerated = new int[slots];
        this.slotOutput = new int[slots];
        this.slotPlacedAt = new double[slots];
        this.slotRequest = new Request[slots];
        this.running = new int[ranks];
        this.load = new long[ranks];
        this.waitingBound = new int[ranks];
    }

    /** Reports every token and every rank's step from now on (what production decode logs hold). */
    public void observeDecode(DecodeObserver observer) {
        this.decodeObserver = observer;
        this.runningAtStart = new int[ranks];
    }

    /** The request joins the pool now (its arrival, as far as the policy is concerned). */
    public void enqueue(Request request) {
        PoolEntry entry = new PoolEntry(request, step);
        int bound = policy.bindOnArrival(request, context);
        if (bound >= ranks) {
            throw new IllegalStateException(policy.name() + " bound request " + request.id() + " to rank " + bound
                    + " of a " + ranks + "-rank cluster");
        }
        if (bound >= 0) {
            entry.boundRank = bound;
            waitingBound[bound]++;
        }
        pool.add(entry);
    }

    /**
     * Lets the policy place pool requests into free slots, if the pool is non-empty and a slot is free.
     *
     * @return how many requests were placed
     */
    public int refill() {
        if (pool.isEmpty() || totalRunning == ranks * batch) {
            return 0;
        }
        lookahead.beforeDecision();
        long start = System.nanoTime();
        policy.refill(context);
        long nanos = System.nanoTime() - start;
        decisions++;
        int placed = placedThisRefill.size();
        if (placed > 0) {
            lastPlacementStep = step;
            for (PoolEntry entry : placedThisRefill) {
                listener.onPlacement(entry.request, entry.placedRank, step, clock, step - entry.enqueuedAtStep);
            }
            placedThisRefill.clear();
            pool.removeIf(e -> e.placed);
        }
        listener.onDecision(nanos, placed);
        return placed;
    }

    /** Runs one decode step; must only be called while a request is running. */
    public StepStats step() {
        if (totalRunning == 0) {
            throw new IllegalStateException("step() with no running request: the cluster idles instead");
        }
        double stepStart = clock;
        long maxBefore = StepStatsCalculator.maxLoad(load, ranks);
        double stepSeconds = config.costModel().stepSeconds(maxBefore);
        clock += stepSeconds;
        step++;
        long tokens = totalRunning;
        for (int g = 0; g < ranks; g++) {
            int n = running[g];
            int base = g * batch;
            for (int i = 0; i < n; i++) {
                slotGenerated[base + i]++;
            }
            load[g] += n;
        }
        if (decodeObserver != null) {
            reportTokens(stepStart, stepSeconds);
        }
        for (int g = 0; g < ranks; g++) {
            int base = g * batch;
            int i = 0;
            while (i < running[g]) {
                int s = base + i;
                if (slotGenerated[s] >= slotOutput[s]) {
                    depart(g, s);
                } else {
                    i++;
                }
            }
        }
        if (decodeObserver != null) {
            for (int g = 0; g < ranks; g++) {
                decodeObserver.onRankStep(g, step, stepStart, stepSeconds, runningAtStart[g], load[g]);
            }
        }
        StepStats metrics =
                StepStatsCalculator.compute(step, stepStart, load, ranks, tokens, stepSeconds, null, config.power());
        listener.onStep(metrics);
        return metrics;
    }

    private void reportTokens(double stepStart, double stepSeconds) {
        for (int g = 0; g < ranks; g++) {
            int n = running[g];
            runningAtStart[g] = n;
            int base = g * batch;
            for (int i = 0; i < n; i++) {
                int s = base + i;
                decodeObserver.onToken(
                        slotRequest[s],
                        g,
                        step,
                        stepStart,
                        stepSeconds,
                        slotPrompt[s] + slotGenerated[s],
                        slotGenerated[s] >= slotOutput[s]);
            }
        }
    }

    private void depart(int rank, int s) {
        Request request = slotRequest[s];
        listener.onFinish(request, rank, slotPlacedAt[s], clock);
        lookahead.onFinished(slotPrompt[s], slotOutput[s]);
        policy.onFinished(rank, slotPrompt[s], slotOutput[s], step);
        load[rank] -= (long) slotPrompt[s] + slotGenerated[s];
        int last = rank * batch + running[rank] - 1;
        slotPrompt[s] = slotPrompt[last];
        slotGenerated[s] = slotGenerated[last];
        slotOutput[s] = slotOutput[last];
        slotPlacedAt[s] = slotPlacedAt[last];
        slotRequest[s] = slotRequest[last];
        slotRequest[last] = null;
        running[rank]--;
        totalRunning--;
    }

    /** The whole state, to continue later with {@link #restore} (checkpoints, keyed state). */
    public ClusterState snapshot() {
        ClusterState st = new ClusterState();
        st.ranks = ranks;
        st.batch = batch;
        st.clock = clock;
        st.step = step;
        st.lastPlacementStep = lastPlacementStep;
        st.decisions = decisions;
        int n = totalRunning;
        st.runRank = new int[n];
        st.runPrompt = new int[n];
        st.runGenerated = new int[n];
        st.runOutput = new int[n];
        st.runPlacedAt = new double[n];
        st.runId = new String[n];
        st.runSequence = new long[n];
        st.runArrival = new double[n];
        int k = 0;
        for (int g = 0; g < ranks; g++) {
            for (int i = 0; i < running[g]; i++, k++) {
                int s = g * batch + i;
                st.runRank[k] = g;
                st.runPrompt[k] = slotPrompt[s];
                st.runGenerated[k] = slotGenerated[s];
                st.runOutput[k] = slotOutput[s];
                st.runPlacedAt[k] = slotPlacedAt[s];
                st.runId[k] = slotRequest[s].id();
                st.runSequence[k] = slotRequest[s].sequence();
                st.runArrival[k] = slotRequest[s].arrival();
            }
        }
        int p = pool.size();
        st.poolId = new String[p];
        st.poolSequence = new long[p];
        st.poolArrival = new double[p];
        st.poolPrompt = new int[p];
        st.poolOutput = new int[p];
        st.poolEnqueuedAt = new long[p];
        st.poolBoundRank = new int[p];
        for (int i = 0; i < p; i++) {
            PoolEntry e = pool.get(i);
            st.poolId[i] = e.request.id();
            st.poolSequence[i] = e.request.sequence();
            st.poolArrival[i] = e.request.arrival();
            st.poolPrompt[i] = e.request.promptTokens();
            st.poolOutput[i] = e.request.outputTokens();
            st.poolEnqueuedAt[i] = e.enqueuedAtStep;
            st.poolBoundRank[i] = e.boundRank;
        }
        st.policyState = policy.saveState();
        st.lookaheadState = lookahead.saveState();
        return st;
    }

    /**
     * A simulation that continues from {@code state}, with fresh policy and lookahead instances of the same kind
     * as the ones that were snapshotted (their own state is restored into them).
     */
    public static ClusterSimulation restore(
            ClusterState state, ClusterConfig config, Policy policy, Lookahead lookahead, SimulationListener listener) {
        if (state.ranks != config.ranks() || state.batch != config.batch()) {
            throw new IllegalArgumentException("state of a " + state.ranks + " x " + state.batch
                    + " cluster cannot be restored into " + config.ranks() + " x " + config.batch());
        }
        ClusterSimulation sim = new ClusterSimulation(config, policy, lookahead, listener);
        sim.clock = state.clock;
        sim.step = state.step;
        sim.lastPlacementStep = state.lastPlacementStep;
        sim.decisions = state.decisions;
        for (int k = 0; k < state.runRank.length; k++) {
            int g = state.runRank[k];
            int s = g * sim.batch + sim.running[g];
            sim.slotPrompt[s] = state.runPrompt[k];
            sim.slotGenerated[s] = state.runGenerated[k];
            sim.slotOutput[s] = state.runOutput[k];
            sim.slotPlacedAt[s] = state.runPlacedAt[k];
            sim.slotRequest[s] = new Request(
                    state.runId[k], state.runSequence[k], state.runArrival[k], state.runPrompt[k], state.runOutput[k]);
            sim.running[g]++;
            sim.totalRunning++;
            sim.load[g] += (long) state.runPrompt[k] + state.runGenerated[k];
        }
        for (int i = 0; i < state.poolId.length; i++) {
            PoolEntry e = new PoolEntry(
                    new Request(
                            state.poolId[i],
                            state.poolSequence[i],
                            state.poolArrival[i],
                            state.poolPrompt[i],
                            state.poolOutput[i]),
                    state.poolEnqueuedAt[i]);
            e.boundRank = state.poolBoundRank[i];
            if (e.boundRank >= 0) {
                sim.waitingBound[e.boundRank]++;
            }
            sim.pool.add(e);
        }
        policy.restoreState(state.policyState);
        lookahead.restoreState(state.lookaheadState);
        return sim;
    }

    /** Moves the clock forward while the cluster idles (arrival mode). */
    public void advanceClockTo(double time) {
        if (totalRunning > 0) {
            throw new IllegalStateException("the clock only jumps while the cluster idles");
        }
        clock = Math.max(clock, time);
    }

    public ClusterConfig config() {
        return config;
    }

    public Policy policy() {
        return policy;
    }

    public double clock() {
        return clock;
    }

    public long stepCount() {
        return step;
    }

    public int totalRunning() {
        return totalRunning;
    }

    public int poolSize() {
        return pool.size();
    }

    /** The last step after which the policy placed a request (0: the initial fill), or -1 if it never did. */
    public long lastPlacementStep() {
        return lastPlacementStep;
    }

    public long decisions() {
        return decisions;
    }

    /** A copy of the per-rank resident tokens. */
    public long[] loads() {
        return Arrays.copyOf(load, ranks);
    }

    /** A copy of the per-rank running counts. */
    public int[] runningPerRank() {
        return Arrays.copyOf(running, ranks);
    }

    private static final class PoolEntry {
        final Request request;
        final long enqueuedAtStep;
        int boundRank = -1;
        boolean placed;
        int placedRank = -1;

        PoolEntry(Request request, long enqueuedAtStep) {
            this.request = request;
            this.enqueuedAtStep = enqueuedAtStep;
        }
    }

    private final class Context implements RefillContext {

        @Override
        public int ranks() {
            return ranks;
        }

        @Override
        public int batch() {
            return batch;
        }

        @Override
        public long load(int rank) {
            return load[rank];
        }

        @Override
        public int running(int rank) {
            return running[rank];
        }

        @Override
        public int totalFree() {
            return ranks * batch - totalRunning;
        }

        @Override
        public int slotPrompt(int slot) {
            return slotPrompt[slot];
        }

        @Override
        public int slotGenerated(int slot) {
            return slotGenerated[slot];
        }

        @Override
        public int slotRemaining(int slot) {
            return lookahead.remaining(slotRequest[slot].sequence(), slotGenerated[slot], slotOutput[slot]);
        }

        @Override
        public int runningLoads(int rank, double[] loads, int[] remaining) {
            int n = running[rank];
            int base = rank * batch;
            for (int i = 0; i < n; i++) {
                int s = base + i;
                loads[i] = (double) slotPrompt[s] + slotGenerated[s];
                remaining[i] = lookahead.remaining(slotRequest[s].sequence(), slotGenerated[s], slotOutput[s]);
            }
            return n;
        }

        @Override
        public double slotSurvival(int slot, int steps) {
            return lookahead.survival(
                    slotRequest[slot].sequence(), slotPrompt[slot], slotGenerated[slot], slotOutput[slot], steps);
        }

        @Override
        public double newRequestSurvival(int steps) {
            return lookahead.survival(-1, 0, 0, steps);
        }

        @Override
        public boolean predictsDistributions() {
            return lookahead.predictsDistributions();
        }

        @Override
        public int lookaheadHorizon(int max) {
            return lookahead.horizon(max);
        }

        @Override
        public int waitingBound(int rank) {
            return waitingBound[rank];
        }

        @Override
        public long step() {
            return step;
        }

        @Override
        public double clock() {
            return clock;
        }

        @Override
        public int poolSize() {
            return pool.size();
        }

        @Override
        public Request poolRequest(int index) {
            return pool.get(index).request;
        }

        @Override
        public long poolWaitSteps(int index) {
            return step - pool.get(index).enqueuedAtStep;
        }

        @Override
        public int poolBoundRank(int index) {
            return pool.get(index).boundRank;
        }

        @Override
        public boolean isPlaced(int index) {
            return pool.get(index).placed;
        }

        @Override
        public void place(int index, int rank) {
            PoolEntry entry = pool.get(index);
            if (entry.placed) {
                throw new IllegalStateException(policy.name() + " placed request " + entry.request.id() + " twice");
            }
            if (rank < 0 || rank >= ranks) {
                throw new IllegalStateException(policy.name() + " placed request " + entry.request.id() + " on rank "
                        + rank + " of a " + ranks + "-rank cluster");
            }
            if (running[rank] >= batch) {
                throw new IllegalStateException(
                        policy.name() + " placed request " + entry.request.id() + " on full rank " + rank);
            }
            int s = rank * batch + running[rank];
            Request r = entry.request;
            slotPrompt[s] = r.promptTokens();
            slotGenerated[s] = 0;
            slotOutput[s] = r.outputTokens();
            slotPlacedAt[s] = clock;
            slotRequest[s] = r;
            running[rank]++;
            totalRunning++;
            load[rank] += r.promptTokens();
            entry.placed = true;
            entry.placedRank = rank;
            if (entry.boundRank >= 0) {
                waitingBound[entry.boundRank]--;
            }
            placedThisRefill.add(entry);
        }
    }
}
