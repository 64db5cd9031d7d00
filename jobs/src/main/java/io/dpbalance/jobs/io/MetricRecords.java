package io.dpbalance.jobs.io;

import io.dpbalance.engine.metrics.StepStats;
import io.dpbalance.schemas.StepMetrics;
import java.time.Instant;

/** The engine's step metrics as the {@link StepMetrics} record both jobs write: one mapping, one place. */
public final class MetricRecords {

    private MetricRecords() {}

    /**
     * @param stepStartMillis the step's start, epoch milliseconds
     * @param running requests running in the step
     * @param sampledSteps the decode steps the step stands for when the logs sample the cluster (StepMetrics
     *     {@code sampled_steps}); 1 for a step that is no sample
     */
    public static StepMetrics stepMetrics(
            String clusterId, String policy, StepStats m, long stepStartMillis, long running, long sampledSteps) {
        // The all-fields constructor: the builder validates and copies every field, a cost per step the shadow pays.
        return new StepMetrics(
                clusterId,
                policy,
                m.step(),
                Instant.ofEpochMilli(stepStartMillis),
                m.ranks(),
                Math.toIntExact(running),
                m.maxLoad(),
                m.totalLoad(),
                m.imbalance(),
                m.idleFraction(),
                Double.isNaN(m.timeIdleFraction()) ? null : m.timeIdleFraction(),
                m.stepSeconds(),
                m.energyJoules(),
                m.idleEnergyJoules(),
                m.tokens(),
                sampledSteps);
    }
}
