package io.dpbalance.jobs.analytics;

import io.dpbalance.engine.metrics.Percentiles;
import io.dpbalance.schemas.StepMetrics;
import io.dpbalance.schemas.WindowMetrics;
import java.time.Instant;
import java.util.Arrays;

/**
 * The rollup of one window's steps into {@link WindowMetrics}: plain means of imbalance and idle fraction, percentiles
 * of the idle fraction (the engine's {@link Percentiles}), sums of tokens, time and energy, and the ratios of those
 * sums (spec §3: throughput = Σ tokens / Σ T, tokens per joule = Σ tokens / Σ energy). As in the engine's simulation
 * results, a mean or ratio over nothing is 0. A Flink POJO, kept as window state.
 */
public final class WindowAggregate {

  public String clusterId;
  public String policy;
  public long steps;
  public double imbalanceSum;
  public double idleFractionSum;
  /** The idle fraction of each step; the first {@link #steps} entries are used. */
  public double[] idleFractions = new double[16];
  public long tokens;
  public double seconds;
  public double energyJoules;
  public double idleEnergyJoules;
  public long lateRecords;
  public long missingRankSteps;

  public WindowAggregate() {}

  public WindowAggregate(String clusterId, String policy) {
    this.clusterId = clusterId;
    this.policy = policy;
  }

  /** Adds one step; absent optional fields (no step time, no power profile) add nothing. */
  public void add(StepMetrics step, long missingRanks) {
    if (steps == idleFractions.length) {
      idleFractions = Arrays.copyOf(idleFractions, idleFractions.length * 2);
    }
    idleFractions[(int) steps] = step.getIdleFraction();
    steps++;
    imbalanceSum += step.getImbalance();
    idleFractionSum += step.getIdleFraction();
    tokens += orZero(step.getTokens());
    seconds += orZero(step.getStepSeconds());
    energyJoules += orZero(step.getEnergyJoules());
    idleEnergyJoules += orZero(step.getIdleEnergyJoules());
    missingRankSteps += missingRanks;
  }

  public void addLate(long records) {
    lateRecords += records;
  }

  public WindowMetrics toRecord(long windowStart, long windowEnd) {
    double[] sorted = Percentiles.sortedCopy(idleFractions, (int) steps);
    return WindowMetrics.newBuilder()
        .setClusterId(clusterId)
        .setPolicy(policy)
        .setWindowStart(Instant.ofEpochMilli(windowStart))
        .setWindowEnd(Instant.ofEpochMilli(windowEnd))
        .setSteps(steps)
        .setAvgImbalance(steps == 0 ? 0.0 : imbalanceSum / steps)
        .setAvgIdleFraction(steps == 0 ? 0.0 : idleFractionSum / steps)
        .setP50IdleFraction(steps == 0 ? 0.0 : Percentiles.ofSorted(sorted, 50))
        .setP95IdleFraction(steps == 0 ? 0.0 : Percentiles.ofSorted(sorted, 95))
        .setP99IdleFraction(steps == 0 ? 0.0 : Percentiles.ofSorted(sorted, 99))
        .setTokens(tokens)
        .setEnergyJoules(energyJoules)
        .setIdleEnergyJoules(idleEnergyJoules)
        .setTokensPerJoule(energyJoules > 0 ? tokens / energyJoules : 0.0)
        .setThroughputTokensPerS(seconds > 0 ? tokens / seconds : 0.0)
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
