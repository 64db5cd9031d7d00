package io.dpbalance.demo;

import io.dpbalance.schemas.WindowMetrics;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * The committed window metrics of a run, one per (cluster, label, window start): what the terminal table, the live
 * page and the report show. A window read twice (a consumer that starts over) counts once. Not thread-safe: the
 * collector guards it.
 */
final class WindowTable {

    static final String OBSERVED = "observed";

    private final Map<String, Map<String, TreeMap<Long, WindowMetrics>>> byClusterLabel = new TreeMap<>();
    private long records;

    void add(WindowMetrics window) {
        byClusterLabel
                .computeIfAbsent(window.getClusterId(), c -> new TreeMap<>())
                .computeIfAbsent(window.getPolicy(), l -> new TreeMap<>())
                .put(window.getWindowStart().toEpochMilli(), window);
        records++;
    }

    /** Window records read, duplicates included. */
    long records() {
        return records;
    }

    List<String> clusters() {
        return List.copyOf(byClusterLabel.keySet());
    }

    /** The labels of a cluster: observed first, then the policies in {@code policyOrder}, then any others. */
    List<String> labels(String cluster, List<String> policyOrder) {
        Set<String> present =
                byClusterLabel.getOrDefault(cluster, new TreeMap<>()).keySet();
        List<String> labels = new ArrayList<>();
        if (present.contains(OBSERVED)) {
            labels.add(OBSERVED);
        }
        policyOrder.stream().filter(present::contains).forEach(labels::add);
        present.stream().filter(l -> !labels.contains(l)).sorted().forEach(labels::add);
        return labels;
    }

    /** A label's windows in time order. */
    List<WindowMetrics> windows(String cluster, String label) {
        return List.copyOf(byClusterLabel
                .getOrDefault(cluster, new TreeMap<>())
                .getOrDefault(label, new TreeMap<>())
                .values());
    }

    /**
     * The starts of the windows that every label of {@code cluster} in {@code labels} has committed: the stretch of
     * time over which they compare like for like (the shadow runs a little behind production).
     */
    Set<Long> commonWindowStarts(String cluster, List<String> labels) {
        Set<Long> common = null;
        for (String label : labels) {
            Set<Long> starts = byClusterLabel
                    .getOrDefault(cluster, new TreeMap<>())
                    .getOrDefault(label, new TreeMap<>())
                    .keySet();
            if (common == null) {
                common = new HashSet<>(starts);
            } else {
                common.retainAll(starts);
            }
        }
        return common == null ? Set.of() : common;
    }

    /** One row per label of every cluster, over the common windows; decision times from {@code p99Micros}. */
    List<PolicyRow> rows(List<String> policyOrder, Map<String, Double> p99Micros) {
        List<PolicyRow> rows = new ArrayList<>();
        for (String cluster : clusters()) {
            List<String> labels = labels(cluster, policyOrder);
            Set<Long> common = commonWindowStarts(cluster, labels);
            for (String label : labels) {
                List<WindowMetrics> windows = windows(cluster, label).stream()
                        .filter(w -> common.contains(w.getWindowStart().toEpochMilli()))
                        .sorted(Comparator.comparing(WindowMetrics::getWindowStart))
                        .toList();
                rows.add(row(
                        cluster,
                        label,
                        windows,
                        p99Micros.getOrDefault(DecisionLatencies.key(cluster, label), Double.NaN)));
            }
        }
        return rows;
    }

    /** Sums windows (in the order given) into a row: step-weighted means, totals, energy over tokens. */
    static PolicyRow row(String cluster, String label, List<WindowMetrics> windows, double p99DecisionMicros) {
        long steps = 0;
        long tokens = 0;
        double energy = 0;
        for (WindowMetrics w : windows) {
            steps += w.getSteps();
            tokens += w.getTokens();
            energy += w.getEnergyJoules();
        }
        return new PolicyRow(
                cluster,
                label,
                windows.size(),
                steps,
                stepWeighted(windows, WindowMetrics::getAvgIdleFraction, steps),
                stepWeighted(windows, WindowMetrics::getAvgImbalance, steps),
                tokens == 0 ? Double.NaN : energy / tokens,
                tokens,
                p99DecisionMicros);
    }

    private static double stepWeighted(
            List<WindowMetrics> windows, ToDoubleFunction<WindowMetrics> average, long steps) {
        if (steps == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (WindowMetrics w : windows) {
            sum += average.applyAsDouble(w) * w.getSteps();
        }
        return sum / steps;
    }

    /** Per label of a cluster, per window: [window end (epoch ms), idle fraction, imbalance]: the charts' series. */
    Map<String, List<double[]>> idleSeries(String cluster, List<String> policyOrder) {
        Map<String, List<double[]>> series = new LinkedHashMap<>();
        for (String label : labels(cluster, policyOrder)) {
            List<double[]> points = new ArrayList<>();
            for (WindowMetrics w : windows(cluster, label)) {
                points.add(new double[] {w.getWindowEnd().toEpochMilli(), w.getAvgIdleFraction(), w.getAvgImbalance()});
            }
            series.put(label, points);
        }
        return series;
    }
}
