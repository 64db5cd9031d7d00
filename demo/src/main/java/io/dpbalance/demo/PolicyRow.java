package io.dpbalance.demo;

/**
 * One label's line of the demo's table: production's {@code observed} cluster or a shadow policy, over the windows
 * every label of its cluster has committed (so that the lines compare the same stretch of time).
 *
 * @param cluster            the cluster id
 * @param label              {@code observed} or the shadow policy's label
 * @param windows            committed windows summed
 * @param steps              decode steps in them
 * @param idleFraction       mean over those steps of {@code mean_g (1 - L_g / max L)} (window averages weighted by
 *                           their steps)
 * @param imbalance          mean over those steps of {@code sum_g (max L - L_g)}, in tokens
 * @param joulesPerToken     energy over tokens decoded
 * @param tokens             tokens decoded
 * @param p99DecisionMicros  p99 of the policy's decision time over its last 10 000 decisions (the shadow job's
 *                           decisionLatencyMicros histogram); NaN for observed, which makes no decisions here
 */
public record PolicyRow(
        String cluster,
        String label,
        int windows,
        long steps,
        double idleFraction,
        double imbalance,
        double joulesPerToken,
        long tokens,
        double p99DecisionMicros) {}
