package io.dpbalance.engine.policy;

import io.dpbalance.engine.model.Request;
import java.util.Arrays;

/**
 * A refill decision's whole input as plain arrays: per rank the running requests (prompt, generated, predicted
 * remaining), the pool and its wait times. It implements {@link RefillContext}, so any policy can decide on it,
 * and it records what the policy placed. Used to capture real decisions from a run and replay them: for
 * benchmarks, and to compare the fast BF-IO solver with the exact one on identical inputs.
 */
public final class RefillState implements RefillContext {

    private final int ranks;
    private final int batch;
    private final int[] running;
    private final long[] load;
    private final int[] slotPrompt;
    private final int[] slotGenerated;
    private final int[] slotRemaining;
    private final Request[] pool;
    private final long[] poolWait;
    private final int[] poolBound;
    private final int[] placedOn;
    private final int[] waitingBound;
    private final long step;
    private final double clock;
    private int totalRunning;

    /**
     * @param running       running requests per rank (each <= batch)
     * @param slotPrompt    prompt of slot {@code g * batch + i} for {@code i < running[g]}
     * @param slotGenerated tokens generated so far, same layout
     * @param slotRemaining predicted remaining steps ({@code Lookahead.UNKNOWN} if unknown), same layout
     * @param pool          pool requests in arrival order
     * @param poolWait      steps each pool request has waited
     */
    public RefillState(
            int ranks,
            int batch,
            int[] running,
            int[] slotPrompt,
            int[] slotGenerated,
            int[] slotRemaining,
            Request[] pool,
            long[] poolWait,
            long step,
            double clock) {
        this.ranks = ranks;
        this.batch = batch;
        this.running = Arrays.copyOf(running, ranks);
        this.slotPrompt = Arrays.copyOf(slotPrompt, ranks * batch);
        this.slotGenerated = Arrays.copyOf(slotGenerated, ranks * batch);
        this.slotRemaining = Arrays.copyOf(slotRemaining, ranks * batch);
        this.pool = Arrays.copyOf(pool, pool.length);
        this.poolWait = Arrays.copyOf(poolWait, pool.length);
        this.poolBound = new int[pool.length];
        Arrays.fill(poolBound, -1);
        this.placedOn = new int[pool.length];
        Arrays.fill(placedOn, -1);
        this.waitingBound = new int[ranks];
        this.load = new long[ranks];
        this.step = step;
        this.clock = clock;
        for (int g = 0; g < ranks; g++) {
            if (this.running[g] < 0 || this.running[g] > batch) {
                throw new IllegalArgumentException(
                        "rank " + g + " runs " + this.running[g] + " requests, batch is " + batch);
            }
            for (int i = 0; i < this.running[g]; i++) {
                int s = g * batch + i;
                load[g] += (long) this.slotPrompt[s] + this.slotGenerated[s];
            }
            totalRunning += this.running[g];
        }
    }

    /** A snapshot of a live refill (before the policy acts), with the lookahead's predictions frozen. */
    public static RefillState capture(RefillContext ctx) {
        int ranks = ctx.ranks();
        int batch = ctx.batch();
        int[] running = new int[ranks];
        int[] prompt = new int[ranks * batch];
        int[] generated = new int[ranks * batch];
        int[] remaining = new int[ranks * batch];
        for (int g = 0; g < ranks; g++) {
            running[g] = ctx.running(g);
            for (int i = 0; i < running[g]; i++) {
                int s = ctx.slot(g, i);
                prompt[s] = ctx.slotPrompt(s);
                generated[s] = ctx.slotGenerated(s);
                remaining[s] = ctx.slotRemaining(s);
            }
        }
        Request[] pool = new Request[ctx.poolSize()];
        long[] wait = new long[pool.length];
        for (int i = 0; i < pool.length; i++) {
            pool[i] = ctx.poolRequest(i);
            wait[i] = ctx.poolWaitSteps(i);
        }
        return new RefillState(
                ranks, batch, running, prompt, generated, remaining, pool, wait, ctx.step(), ctx.clock());
    }

    /** A fresh copy with nothing placed, for deciding again on the same input. */
    public RefillState fresh() {
        return new RefillState(
                ranks, batch, initialRunning(), slotPrompt, slotGenerated, slotRemaining, pool, poolWait, step, clock);
    }

    private int[] initialRunning() {
        int[] r = Arrays.copyOf(running, ranks);
        for (int i = 0; i < pool.length; i++) {
            if (placedOn[i] >= 0) {
                r[placedOn[i]]--;
            }
        }
        return r;
    }

    /** The rank pool request {@code index} was placed on, or -1. */
    public int placedOn(int index) {
        return placedOn[index];
    }

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
        return slotRemaining[slot];
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
        return pool.length;
    }

    @Override
    public Request poolRequest(int index) {
        return pool[index];
    }

    @Override
    public long poolWaitSteps(int index) {
        return poolWait[index];
    }

    @Override
    public int poolBoundRank(int index) {
        return poolBound[index];
    }

    @Override
    public boolean isPlaced(int index) {
        return placedOn[index] >= 0;
    }

    /** Placed requests occupy new slots that hold no running request, so predictions only cover the initial ones. */
    @Override
    public void place(int index, int rank) {
        if (placedOn[index] >= 0) {
            throw new IllegalStateException("pool request " + index + " placed twice");
        }
        if (rank < 0 || rank >= ranks || running[rank] >= batch) {
            throw new IllegalStateException("pool request " + index + " placed on full or unknown rank " + rank);
        }
        int s = rank * batch + running[rank];
        slotPrompt[s] = pool[index].promptTokens();
        slotGenerated[s] = 0;
        slotRemaining[s] = pool[index].outputTokens();
        running[rank]++;
        totalRunning++;
        load[rank] += pool[index].promptTokens();
        placedOn[index] = rank;
    }
}
