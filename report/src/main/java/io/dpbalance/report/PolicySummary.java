package io.dpbalance.report;

import io.dpbalance.engine.metrics.StepAggregate;
import io.dpbalance.schemas.StepMetrics;
import io.dpbalance.schemas.WindowMetrics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One policy's totals on one cluster over everything in the inputs, rolled up by the engine's {@link StepAggregate}
 * (the formulas of docs/design.md §4 live there): from the policy's StepMetrics when the inputs hold any (every step counts),
 * else from its WindowMetrics (each window's means weighted by its steps; step time recovered as tokens /
 * throughput).
 *
 * @param source {@code step-metrics} or {@code window-metrics}: which records the numbers come from
 * @param from the first step's start (or window's start)
 * @param to the last step's start (or window's end)
 */
public record PolicySummary(
        String cluster, String policy, String source, StepAggregate totals, Instant from, Instant to) {

    public static final String OBSERVED = "observed";

    /** Decode steps summarized: a sampled step (StepMetrics {@code sampled_steps}) counts the steps it stands for. */
    public long steps() {
        return totals.totalSteps();
    }

    public double avgIdleFraction() {
        return totals.avgIdleFraction();
    }

    public double avgImbalance() {
        return totals.avgImbalance();
    }

    public long tokens() {
        return totals.tokens;
    }

    public double energyJoules() {
        return totals.energyJoules;
    }

    public double idleEnergyJoules() {
        return totals.idleEnergyJoules;
    }

    public double tokensPerJoule() {
        return totals.tokensPerJoule();
    }

    /** Joules per generated token; {@code NaN} without tokens. */
    public double energyPerToken() {
        return totals.tokens > 0 ? totals.energyJoules / totals.tokens : Double.NaN;
    }

    public double throughputTokensPerS() {
        return totals.throughputTokensPerS();
    }

    /**
     * The summaries of every (cluster, policy) in the data: clusters sorted, and within a cluster {@code observed}
     * first, then the policies in the order they first appear.
     */
    public static List<PolicySummary> of(ReportData data) {
        Map<List<String>, StepAggregate> fromSteps = new LinkedHashMap<>();
        Map<List<String>, Instant[]> stepSpans = new LinkedHashMap<>();
        for (StepMetrics m : data.stepMetrics()) {
            List<String> key = List.of(m.getClusterId(), m.getPolicy());
            fromSteps
                    .computeIfAbsent(key, k -> new StepAggregate())
                    .add(
                            m.getImbalance(),
                            m.getIdleFraction(),
                            orZero(m.getTokens()),
                            orZero(m.getStepSeconds()),
                            orZero(m.getEnergyJoules()),
                            orZero(m.getIdleEnergyJoules()),
                            m.getSampledSteps() == null ? 1 : m.getSampledSteps());
            span(stepSpans, key, m.getStepStart(), m.getStepStart());
        }
        Map<List<String>, StepAggregate> fromWindows = new LinkedHashMap<>();
        Map<List<String>, Instant[]> windowSpans = new LinkedHashMap<>();
        for (WindowMetrics w : data.windowMetrics()) {
            List<String> key = List.of(w.getClusterId(), w.getPolicy());
            StepAggregate a = fromWindows.computeIfAbsent(key, k -> new StepAggregate());
            a.steps += w.getSteps();
            a.imbalanceSum += w.getAvgImbalance() * w.getSteps();
            a.idleFractionSum += w.getAvgIdleFraction() * w.getSteps();
            a.tokens += w.getTokens();
            a.seconds += w.getThroughputTokensPerS() > 0 ? w.getTokens() / w.getThroughputTokensPerS() : 0.0;
            a.energyJoules += w.getEnergyJoules();
            a.idleEnergyJoules += w.getIdleEnergyJoules();
            span(windowSpans, key, w.getWindowStart(), w.getWindowEnd());
        }
        List<PolicySummary> out = new ArrayList<>();
        fromSteps.forEach((key, totals) -> out.add(new PolicySummary(
                key.get(0),
                key.get(1),
                "step-metrics",
                totals,
                stepSpans.get(key)[0],
                stepSpans.get(key)[1])));
        fromWindows.forEach((key, totals) -> {
            if (!fromSteps.containsKey(key)) {
                out.add(new PolicySummary(
                        key.get(0),
                        key.get(1),
                        "window-metrics",
                        totals,
                        windowSpans.get(key)[0],
                        windowSpans.get(key)[1]));
            }
        });
        List<String> order = policyOrder(data);
        out.sort(Comparator.comparing(PolicySummary::cluster).thenComparing(s -> order.indexOf(s.policy())));
        return out;
    }

    /**
     * Policies in a stable order, whatever order the records came in (Kafka interleaves partitions): observed first,
     * then the baselines, then the BF-IO variants, each group by name.
     */
    static List<String> policyOrder(ReportData data) {
        Set<String> policies = new TreeSet<>(
                Comparator.comparing((String p) -> p.startsWith("bfio")).thenComparing(p -> p));
        data.windowMetrics().forEach(w -> policies.add(w.getPolicy()));
        data.stepMetrics().forEach(m -> policies.add(m.getPolicy()));
        data.assignments().forEach(a -> policies.add(a.getPolicy()));
        policies.remove(OBSERVED);
        List<String> order = new ArrayList<>();
        order.add(OBSERVED);
        order.addAll(policies);
        return order;
    }

    private static void span(Map<List<String>, Instant[]> spans, List<String> key, Instant from, Instant to) {
        Instant[] span = spans.computeIfAbsent(key, k -> new Instant[] {from, to});
        if (from.isBefore(span[0])) {
            span[0] = from;
        }
        if (to.isAfter(span[1])) {
            span[1] = to;
        }
    }

    private static double orZero(Double value) {
        return value == null ? 0.0 : value;
    }

    private static long orZero(Long value) {
        return value == null ? 0L : value;
    }
}
