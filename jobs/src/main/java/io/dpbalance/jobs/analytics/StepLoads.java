package io.dpbalance.jobs.analytics;

import java.util.Comparator;
import java.util.List;

/**
 * The ranks' loads of one closed step window: every share that arrived, one per rank, by rank. In batch execution also
 * a partial step on its way to the step window ({@link StepLoadCombiner}): then the shares as they came. A Flink POJO.
 */
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

    /**
     * The closed step window of one step's admitted shares, one per rank ({@link StepWindowFunction}): in rank order,
     * starting at their earliest record time, without the bytes a rank-step kept for a repeat's dead letter.
     */
    static StepLoads closed(List<RankLoad> ranks) {
        for (RankLoad load : ranks) {
            load.payload = null;
        }
        ranks.sort(Comparator.comparingInt(load -> load.rank));
        RankLoad first = ranks.get(0);
        long stepStart = ranks.stream().mapToLong(load -> load.time).min().orElseThrow();
        return of(first.clusterId, first.step, stepStart, ranks.toArray(new RankLoad[0]));
    }
}
