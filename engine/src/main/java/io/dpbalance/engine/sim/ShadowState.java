package io.dpbalance.engine.sim;

/**
 * What a {@link ShadowRun} needs to continue, beyond its pending requests (which the caller keeps, one entry per
 * request, see {@link ShadowRun#restore}): the cluster's {@link ClusterState}, the epoch origin of its clock, and the
 * requests already let in that have not reached the pool yet. A Flink POJO like {@link ClusterState}: no Kryo.
 */
public final class ShadowState {

    /** State layout version, for readers of older snapshots. */
    public int version = 1;

    public ClusterState cluster = new ClusterState();
    /** Epoch milliseconds of clock 0: the first request let in; {@link ShadowRun#NO_ORIGIN} before that. */
    public long originMillis = ShadowRun.NO_ORIGIN;

    public long nextSequence;
    /** The last request let in, in (arrival, id) order; records ordered before it can no longer be used. */
    public long lastReleasedMillis = Long.MIN_VALUE;

    public String lastReleasedId = "";
    public long abandoned;
    public long late;

    /** Requests let in, not yet arrived on the shadow clock, in order. */
    public String[] queuedId = new String[0];

    public long[] queuedSequence = new long[0];
    public double[] queuedArrival = new double[0];
    public int[] queuedPrompt = new int[0];
    public int[] queuedOutput = new int[0];

    public ShadowState() {}
}
