package io.dpbalance.engine.sim;

/**
 * Everything a {@link ClusterSimulation} needs to continue where it stopped, as plain public arrays and numbers:
 * a Flink POJO (public no-argument constructor, public fields of primitive, String and array types), so keyed state
 * holding it is serialized by Flink's own serializers, never Kryo, and can evolve. Running requests and pool
 * entries are stored densely, one array element each, so the state grows with what is in flight, not with G x B.
 */
public final class ClusterState {

    /** State layout version, for readers of older snapshots. */
    public int version = 1;

    public int ranks;
    public int batch;
    public double clock;
    public long step;
    public long lastPlacementStep;
    public long decisions;

    /** Running requests: rank, prompt, generated so far, output, placement clock, and the request's identity. */
    public int[] runRank = new int[0];

    public int[] runPrompt = new int[0];
    public int[] runGenerated = new int[0];
    public int[] runOutput = new int[0];
    public double[] runPlacedAt = new double[0];
    public String[] runId = new String[0];
    public long[] runSequence = new long[0];
    public double[] runArrival = new double[0];

    /** The pool in order: the request, the step it joined the pool at, and its bound rank (-1: none). */
    public String[] poolId = new String[0];

    public long[] poolSequence = new long[0];
    public double[] poolArrival = new double[0];
    public int[] poolPrompt = new int[0];
    public int[] poolOutput = new int[0];
    public long[] poolEnqueuedAt = new long[0];
    public int[] poolBoundRank = new int[0];

    /** The policy's and the lookahead's own state (see {@code Policy#saveState}, {@code Lookahead#saveState}). */
    public long[] policyState = new long[0];

    public long[] lookaheadState = new long[0];

    public ClusterState() {}

    /** Requests in flight: running plus pooled. */
    public int inFlight() {
        return runRank.length + poolId.length;
    }
}
