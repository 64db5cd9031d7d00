package io.dpbalance.jobs.analytics;

import io.dpbalance.engine.metrics.StepAggregate;
import io.dpbalance.schemas.StepMetrics;
import io.dpbalance.schemas.WindowMetrics;
import java.time.Instant;

/**
 * One window's {@link WindowMetrics} in the making: the engine's {@link StepAggregate} roll-up of the window's steps
 * (every mean, percentile, sum and ratio is computed there), plus the counters only logs have, late records and
 * missing rank-steps. A Flink POJO, kept as window state by both jobs; it stays in this package because the POJO
 * serializer's snapshot in every savepoint names the class.
 */
public final class WindowAggregate {

    public String clusterId;
    public String policy;
    public StepAggregate steps = new StepAggregate();
    public long lateRecords;
    public long missingRankSteps;

    public WindowAggregate() {}

    public WindowAggregate(String clusterId, String policy) {
        this.clusterId = clusterId;
        this.policy = policy;
    }

    /**
     * Adds one step, weighted by the steps it stands for ({@code sampled_steps}, null: 1) in the engine's
     * {@link StepAggregate}; absent optional fields (no step time, no power profile) add nothing.
     */
    public void add(StepMetrics step, long missingRanks) {
        steps.add(
                step.getImbalance(),
                step.getIdleFraction(),
                orZero(step.getTokens()),
                orZero(step.getStepSeconds()),
                orZero(step.getEnergyJoules()),
                orZero(step.getIdleEnergyJoules()),
                step.getSampledSteps() == null ? 1 : step.getSampledSteps());
        missingRankSteps += missingRanks;
    }

    /** Adds everything {@code other} rolled up (its steps, late records and missing rank-steps) to this window. */
    public void merge(WindowAggregate other) {
        steps.merge(other.steps);
        lateRecords += other.lateRecords;
        missingRankSteps += other.missingRankSteps;
    }

    public void addLate(long records) {
        lateRecords += records;
    }

    public WindowMetrics toRecord(long windowStart, long windowEnd) {
        double[] idle = steps.idleFractionPercentiles(50, 95, 99);
        return WindowMetrics.newBuilder()
                .setClusterId(clusterId)
                .setPolicy(policy)
                .setWindowStart(Instant.ofEpochMilli(windowStart))
                .setWindowEnd(Instant.ofEpochMilli(windowEnd))
                .setSteps(steps.totalSteps())
                .setSamples(steps.samples())
                .setAvgImbalance(steps.avgImbalance())
                .setAvgIdleFraction(steps.avgIdleFraction())
                .setP50IdleFraction(idle[0])
                .setP95IdleFraction(idle[1])
                .setP99IdleFraction(idle[2])
                .setTokens(steps.tokens)
                .setEnergyJoules(steps.energyJoules)
                .setIdleEnergyJoules(steps.idleEnergyJoules)
                .setTokensPerJoule(steps.tokensPerJoule())
                .setThroughputTokensPerS(steps.throughputTokensPerS())
                .setLateRecords(lateRecords)
                .setMissingRankSteps(missingRankSteps)
                .build();
    }

    private static long orZero(Long value) {
        return value == null ? 0 : value;
    }

    private static double orZero(Double value) {
        return value == null ? 0.0 : value;
    }
}
