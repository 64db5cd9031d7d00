package io.dpbalance.jobs.analytics;

import io.dpbalance.schemas.StepMetrics;

/**
 * What the window rollup learns about one cluster under one policy: the metrics of one closed step (with the roster
 * ranks that had no record), a count of input records that came after their step window had closed, or a window
 * restored from a savepoint of the previous state layout ({@link CarriedWindowsOperator}). A Flink POJO.
 */
public final class StepOutcome {

    public String clusterId;
    public String policy;
    /** Event time the outcome belongs to, epoch milliseconds: the step's start, or the late records' time. */
    public long time;
    /** The step's metrics; null for a count of late records. */
    public StepMetrics metrics;
    /** Roster ranks with no record for the step, counted as load 0. */
    public long missingRankSteps;
    /** Input records that arrived after their step window had closed. */
    public long lateRecords;
    /**
     * An open window of the previous state layout, whose start is {@link #time}; null for every other outcome. Only
     * the first outcomes after a restore of such a savepoint carry one.
     */
    public WindowAggregate carried;

    public StepOutcome() {}

    static StepOutcome step(StepMetrics metrics, long missingRankSteps) {
        StepOutcome outcome = new StepOutcome();
        outcome.clusterId = metrics.getClusterId();
        outcome.policy = metrics.getPolicy();
        outcome.time = metrics.getStepStart().toEpochMilli();
        outcome.metrics = metrics;
        outcome.missingRankSteps = missingRankSteps;
        return outcome;
    }

    static StepOutcome late(String clusterId, String policy, long time, long records) {
        StepOutcome outcome = new StepOutcome();
        outcome.clusterId = clusterId;
        outcome.policy = policy;
        outcome.time = time;
        outcome.lateRecords = records;
        return outcome;
    }

    static StepOutcome carried(long windowStart, WindowAggregate window) {
        StepOutcome outcome = new StepOutcome();
        outcome.clusterId = window.clusterId;
        outcome.policy = window.policy;
        outcome.time = windowStart;
        outcome.carried = window;
        return outcome;
    }

    @Override
    public String toString() {
        if (carried != null) {
            return clusterId + "/" + policy + " window @" + time + " carried (" + carried.steps.totalSteps()
                    + " steps)";
        }
        return metrics != null
                ? clusterId + "/" + policy + " step " + metrics.getStep() + " (" + missingRankSteps + " missing)"
                : clusterId + "/" + policy + " " + lateRecords + " late @" + time;
    }
}
