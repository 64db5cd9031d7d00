package io.dpbalance.jobs.analytics;

/** The ranks' loads of one closed step window: every share that arrived, one per rank, by rank. A Flink POJO. */
public final class StepLoads {

    public String clusterId;
    public long step;
    /** Earliest record time of the step, epoch milliseconds: the StepMetrics' step_start. */
    public long stepStart;
    /** The ranks that had a record, in rank order; roster ranks missing here idled the whole step. */
    public RankLoad[] ranks;

    public StepLoads() {}

    static StepLoads of(String clusterId, long step, long stepStart, RankLoad[] ranks) {
        StepLoads loads = new StepLoads();
        loads.clusterId = clusterId;
        loads.step = step;
        loads.stepStart = stepStart;
        loads.ranks = ranks;
        return loads;
    }
}
