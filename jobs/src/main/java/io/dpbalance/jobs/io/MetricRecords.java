package io.dpbalance.jobs.io;

import io.dpbalance.schemas.StepMetrics;
import java.time.Instant;

/** The engine's step metrics as the {@link StepMetrics} record both jobs write: one mapping, one place. */
public final class MetricRecords {

  private MetricRecords() {}

  /**
   * @param stepStartMillis the step's start, epoch milliseconds
   * @param running requests running in the step
   */
  public static StepMetrics stepMetrics(String clusterId, String policy, io.dpbalance.engine.metrics.StepMetrics m,
      long stepStartMillis, long running) {
    return StepMetrics.newBuilder()
        .setClusterId(clusterId)
        .setPolicy(policy)
        .setStep(m.step())
        .setStepStart(Instant.ofEpochMilli(stepStartMillis))
        .setRanks(m.ranks())
        .setRunning(Math.toIntExact(running))
        .setMaxLoad(m.maxLoad())
        .setTotalLoad(m.totalLoad())
        .setImbalance(m.imbalance())
        .setIdleFraction(m.idleFraction())
        .setTimeIdleFraction(Double.isNaN(m.timeIdleFraction()) ? null : m.timeIdleFraction())
        .setStepSeconds(m.stepSeconds())
        .setEnergyJoules(m.energyJoules())
        .setIdleEnergyJoules(m.idleEnergyJoules())
        .setTokens(m.tokens())
        .build();
  }
}
