package io.dpbalance.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dpbalance.schemas.RankStep;
import io.dpbalance.schemas.StepMetrics;
import io.dpbalance.schemas.WindowMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The JSON blob the charts are drawn from ({@code dpbalance-charts.js} reads it): one object with a member per
 * section. A section with nothing to draw carries {@code "missing"}: why, in words, and the page says so. A live page
 * can build the blob from the records it has so far and hand it to the same script.
 */
public final class ChartData {

    /** Windows of the heat map when the inputs hold no WindowMetrics to take them from (the jobs' default). */
    static final Duration DEFAULT_WINDOW = Duration.ofSeconds(10);
    /** At most this many steps in the heat map (every k-th step of the window, so that it spans the window). */
    static final int MAX_HEATMAP_STEPS = 600;
    /** At most this many points per CDF curve (evenly spaced ranks of the sorted values). */
    static final int MAX_CDF_POINTS = 400;
    /** At most this many points per idle-fraction curve drawn from StepMetrics (every k-th step). */
    static final int MAX_STEP_POINTS = 3000;

    private static final ObjectMapper JSON = new ObjectMapper();

    private ChartData() {}

    /** The blob as JSON text. */
    public static String toJson(ReportData data, ReportOptions options) {
        try {
            return JSON.writeValueAsString(build(data, options));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write the chart data as JSON", e);
        }
    }

    /**
     * The blob.
     *
     * @throws IllegalArgumentException when {@code options} name a cluster or window that is not in the data
     */
    public static ObjectNode build(ReportData data, ReportOptions options) {
        ObjectNode root = JSON.createObjectNode();
        root.put("title", options.title());
        root.put("generated", Times.format(Instant.now()));
        List<String> clusters = data.clusters();
        String cluster = chooseCluster(clusters, options);
        root.put("cluster", cluster);
        ArrayNode clusterIds = root.putArray("clusters");
        clusters.forEach(clusterIds::add);
        ArrayNode notes = root.putArray("notes");
        data.notes().forEach(notes::add);
        ObjectNode counts = root.putObject("counts");
        counts.put("StepMetrics", data.stepMetrics().size());
        counts.put("WindowMetrics", data.windowMetrics().size());
        counts.put("Assignment", data.assignments().size());
        counts.put("RankStep", data.rankSteps().size());
        counts.put(
                "simulate rows",
                data.simRows().stream()
                        .filter(r -> r.kind() == SimRow.Kind.SIMULATE)
                        .count());
        counts.put(
                "sweep rows",
                data.simRows().stream()
                        .filter(r -> r.kind() == SimRow.Kind.SWEEP)
                        .count());

        List<String> order = PolicySummary.policyOrder(data);
        List<PolicySummary> summaries = PolicySummary.of(data);
        root.set("summary", summary(summaries));
        root.set("idleOverTime", idleOverTime(data, cluster, order));
        root.set("imbalanceCdf", imbalanceCdf(data, cluster, order));
        root.set("energy", energy(data, summaries, cluster));
        root.set("rankHeatmap", rankHeatmap(data, cluster, options));
        root.set("latency", latency(data));
        root.set("sweep", sweep(data));
        return root;
    }

    private static String chooseCluster(List<String> clusters, ReportOptions options) {
        if (options.cluster().isPresent()) {
            String wanted = options.cluster().get();
            if (!clusters.contains(wanted)) {
                throw new IllegalArgumentException(
                        "--cluster " + wanted + ": no records of that cluster in the inputs; " + "clusters there: "
                                + (clusters.isEmpty() ? "none" : String.join(", ", clusters)));
            }
            return wanted;
        }
        return clusters.isEmpty() ? null : clusters.get(0);
    }

    private static ArrayNode summary(List<PolicySummary> summaries) {
        ArrayNode rows = JSON.createArrayNode();
        for (PolicySummary s : summaries) {
            ObjectNode row = rows.addObject();
            row.put("cluster", s.cluster());
            row.put("policy", s.policy());
            row.put("source", s.source());
            row.put("steps", s.steps());
            number(row, "avgIdleFraction", s.avgIdleFraction());
            number(row, "avgImbalance", s.avgImbalance());
            row.put("tokens", s.tokens());
            number(row, "energyJoules", s.energyJoules());
            number(row, "energyPerToken", s.energyPerToken());
            number(row, "tokensPerJoule", s.tokensPerJoule());
            number(row, "throughput", s.throughputTokensPerS());
            row.put("from", Times.format(s.from()));
            row.put("to", Times.format(s.to()));
        }
        return rows;
    }

    private static ObjectNode idleOverTime(ReportData data, String cluster, List<String> order) {
        ObjectNode section = JSON.createObjectNode();
        ArrayNode series = section.putArray("series");
        List<WindowMetrics> windows = data.windowMetrics().stream()
                .filter(w -> w.getClusterId().equals(cluster))
                .sorted(Comparator.comparing(WindowMetrics::getWindowStart))
                .toList();
        if (!windows.isEmpty()) {
            section.put("source", "WindowMetrics: each window's avg_idle_fraction, at the window's start");
            for (String policy : order) {
                List<WindowMetrics> ofPolicy = windows.stream()
                        .filter(w -> w.getPolicy().equals(policy))
                        .toList();
                if (!ofPolicy.isEmpty()) {
                    ArrayNode points = addSeries(series, policy);
                    ofPolicy.forEach(w -> points.addArray()
                            .add(w.getWindowStart().toEpochMilli())
                            .add(w.getAvgIdleFraction()));
                }
            }
            return section;
        }
        List<StepMetrics> steps = stepsOf(data, cluster);
        if (steps.isEmpty()) {
            section.put("missing", "no WindowMetrics or StepMetrics" + ofCluster(cluster) + " in the inputs");
            return section;
        }
        section.put("source", "StepMetrics (no WindowMetrics in the inputs): each step's idle_fraction at its start");
        for (String policy : order) {
            List<StepMetrics> ofPolicy =
                    steps.stream().filter(m -> m.getPolicy().equals(policy)).toList();
            if (!ofPolicy.isEmpty()) {
                ArrayNode points = addSeries(series, policy);
                int stride = Math.max(1, ofPolicy.size() / MAX_STEP_POINTS);
                for (int i = 0; i < ofPolicy.size(); i += stride) {
                    StepMetrics m = ofPolicy.get(i);
                    points.addArray().add(m.getStepStart().toEpochMilli()).add(m.getIdleFraction());
                }
            }
        }
        return section;
    }

    private static ObjectNode imbalanceCdf(ReportData data, String cluster, List<String> order) {
        ObjectNode section = JSON.createObjectNode();
        ArrayNode series = section.putArray("series");
        List<StepMetrics> steps = stepsOf(data, cluster);
        Map<String, List<Double>> values = new LinkedHashMap<>();
        if (!steps.isEmpty()) {
            section.put("source", "StepMetrics: the imbalance of every step (tokens)");
            steps.forEach(m -> values.computeIfAbsent(m.getPolicy(), p -> new ArrayList<>())
                    .add((double) m.getImbalance()));
        } else {
            data.windowMetrics().stream()
                    .filter(w -> w.getClusterId().equals(cluster))
                    .forEach(w -> values.computeIfAbsent(w.getPolicy(), p -> new ArrayList<>())
                            .add(w.getAvgImbalance()));
            if (values.isEmpty()) {
                section.put("missing", "no StepMetrics or WindowMetrics" + ofCluster(cluster) + " in the inputs");
                return section;
            }
            section.put("source", "WindowMetrics (no StepMetrics in the inputs): each window's avg_imbalance (tokens)");
        }
        for (String policy : order) {
            List<Double> ofPolicy = values.get(policy);
            if (ofPolicy == null) {
                continue;
            }
            double[] sorted =
                    ofPolicy.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            ArrayNode points = addSeries(series, policy);
            int n = sorted.length;
            int m = Math.min(n, MAX_CDF_POINTS);
            for (int j = 0; j < m; j++) {
                int i = m == 1 ? n - 1 : (int) Math.round((double) j * (n - 1) / (m - 1));
                points.addArray().add(sorted[i]).add((double) (i + 1) / n);
            }
        }
        return section;
    }

    private static ObjectNode energy(ReportData data, List<PolicySummary> summaries, String cluster) {
        ObjectNode section = JSON.createObjectNode();
        ArrayNode rows = section.putArray("rows");
        List<PolicySummary> ofCluster =
                summaries.stream().filter(s -> s.cluster().equals(cluster)).toList();
        if (!ofCluster.isEmpty()) {
            section.put(
                    "source",
                    "the jobs' records of cluster " + cluster + " (see the table for which: StepMetrics "
                            + "or WindowMetrics); J/token = energy / tokens, tokens/J = tokens / energy");
            for (PolicySummary s : ofCluster) {
                ObjectNode row = rows.addObject();
                row.put("policy", s.policy());
                number(row, "energyPerToken", s.energyPerToken());
                number(row, "tokensPerJoule", s.tokensPerJoule());
            }
            return section;
        }
        List<SimRow> simulate = data.simRows().stream()
                .filter(r -> r.kind() == SimRow.Kind.SIMULATE)
                .toList();
        if (simulate.isEmpty()) {
            section.put("missing", "no StepMetrics, WindowMetrics or simulate rows in the inputs");
            return section;
        }
        section.put("source", "simulate --json rows (no job records in the inputs)");
        for (SimRow r : simulate) {
            ObjectNode row = rows.addObject();
            row.put(
                    "policy",
                    r.policy()
                            + (simulate.stream().map(SimRow::mode).distinct().count() > 1
                                    ? " (" + r.mode() + ")"
                                    : ""));
            number(row, "energyPerToken", r.energyPerToken());
            number(row, "tokensPerJoule", r.tokensPerJoule());
        }
        return section;
    }

    private static ObjectNode rankHeatmap(ReportData data, String cluster, ReportOptions options) {
        ObjectNode section = JSON.createObjectNode();
        section.put(
                "source",
                "RankStep (the per-rank decode log, dp.rank-steps): kv_tokens, the resident KV tokens of "
                        + "each rank of the observed cluster in each step. Shadow policies' per-rank loads are in no record.");
        List<RankStep> rankSteps = data.rankSteps().stream()
                .filter(r -> r.getClusterId().equals(cluster))
                .toList();
        List<WindowMetrics> windowRecords = data.windowMetrics().stream()
                .filter(w -> w.getClusterId().equals(cluster))
                .toList();
        TreeMap<Long, Long> windows = new TreeMap<>(); // start -> end
        windowRecords.forEach(w ->
                windows.put(w.getWindowStart().toEpochMilli(), w.getWindowEnd().toEpochMilli()));
        if (windows.isEmpty()) {
            long size = DEFAULT_WINDOW.toMillis();
            rankSteps.forEach(r -> {
                long start = Math.floorDiv(r.getStepStart().toEpochMilli(), size) * size;
                windows.put(start, start + size);
            });
        }
        List<Long> starts = new ArrayList<>(windows.keySet());
        long chosen;
        if (options.window().isPresent()) {
            chosen = chooseWindow(starts, windows, options.window().get(), cluster);
        } else if (rankSteps.isEmpty()) {
            section.put(
                    "missing",
                    "no RankStep records" + ofCluster(cluster) + " in the inputs (give the analytics "
                            + "job's input, dp.rank-steps, to see per-rank loads)");
            return section;
        } else {
            chosen = defaultWindow(windows, windowRecords, rankSteps);
        }
        long end = windows.get(chosen);
        section.put("windowIndex", starts.indexOf(chosen));
        section.put("windows", starts.size());
        section.put("windowStart", chosen);
        section.put("windowEnd", end);
        section.put("windowLabel", Times.format(chosen) + " .. " + Times.format(end));
        List<RankStep> inWindow = rankSteps.stream()
                .filter(r -> r.getStepStart().toEpochMilli() >= chosen
                        && r.getStepStart().toEpochMilli() < end)
                .toList();
        if (inWindow.isEmpty()) {
            section.put(
                    "missing",
                    "no RankStep records of cluster " + cluster + " in the window " + Times.format(chosen) + " .. "
                            + Times.format(end));
            return section;
        }
        TreeSet<Long> stepNumbers = new TreeSet<>();
        inWindow.forEach(r -> stepNumbers.add(r.getStep()));
        List<Long> allSteps = new ArrayList<>(stepNumbers);
        int stride = (allSteps.size() + MAX_HEATMAP_STEPS - 1) / MAX_HEATMAP_STEPS;
        List<Long> steps = new ArrayList<>();
        for (int i = 0; i < allSteps.size(); i += stride) {
            steps.add(allSteps.get(i));
        }
        if (stride > 1) {
            section.put("truncated", "every " + stride + "th of the window's " + allSteps.size() + " steps");
        }
        Map<Long, Integer> column = new LinkedHashMap<>();
        for (int i = 0; i < steps.size(); i++) {
            column.put(steps.get(i), i);
        }
        int ranks = inWindow.stream().mapToInt(RankStep::getRank).max().orElse(0) + 1;
        ArrayNode stepAxis = section.putArray("steps");
        steps.forEach(stepAxis::add);
        section.put("ranks", ranks);
        ArrayNode cells = section.putArray("cells");
        long max = 0;
        for (RankStep r : inWindow) {
            Integer x = column.get(r.getStep());
            if (x != null) {
                cells.addArray().add(x).add(r.getRank()).add(r.getKvTokens());
                max = Math.max(max, r.getKvTokens());
            }
        }
        section.put("max", max);
        return section;
    }

    private static long chooseWindow(List<Long> starts, TreeMap<Long, Long> windows, long wanted, String cluster) {
        if (starts.isEmpty()) {
            throw new IllegalArgumentException("--window " + wanted + ": the inputs hold no windows"
                    + ofCluster(cluster) + " (no WindowMetrics or RankStep records)");
        }
        if (wanted >= 0 && wanted < starts.size()) {
            return starts.get((int) wanted);
        }
        Map.Entry<Long, Long> containing = windows.floorEntry(wanted);
        if (containing != null && wanted < containing.getValue()) {
            return containing.getKey();
        }
        throw new IllegalArgumentException("--window " + wanted + ": expected a window index 0.." + (starts.size() - 1)
                + " or an epoch-millisecond instant inside a window, between " + starts.get(0) + " ("
                + Times.format(starts.get(0)) + ") and " + windows.lastEntry().getValue() + " ("
                + Times.format(windows.lastEntry().getValue()) + ")");
    }

    /**
     * The window with RankStep records in which the observed cluster's mean imbalance (tokens) was highest, else the
     * first window with records.
     */
    private static long defaultWindow(
            TreeMap<Long, Long> windows, List<WindowMetrics> windowRecords, List<RankStep> rankSteps) {
        TreeSet<Long> withRecords = new TreeSet<>();
        rankSteps.forEach(r -> {
            Map.Entry<Long, Long> w = windows.floorEntry(r.getStepStart().toEpochMilli());
            if (w != null && r.getStepStart().toEpochMilli() < w.getValue()) {
                withRecords.add(w.getKey());
            }
        });
        return windowRecords.stream()
                .filter(w -> w.getPolicy().equals(PolicySummary.OBSERVED))
                .filter(w -> withRecords.contains(w.getWindowStart().toEpochMilli()))
                .max(Comparator.comparingDouble(WindowMetrics::getAvgImbalance))
                .map(w -> w.getWindowStart().toEpochMilli())
                .orElseGet(() -> withRecords.isEmpty() ? windows.firstKey() : withRecords.first());
    }

    private static ObjectNode latency(ReportData data) {
        ObjectNode section = JSON.createObjectNode();
        ArrayNode rows = section.putArray("rows");
        List<SimRow> arrival = data.simRows().stream()
                .filter(r -> r.kind() == SimRow.Kind.SIMULATE && r.hasLatencies())
                .toList();
        if (arrival.isEmpty()) {
            section.put("missing", "no arrival-mode rows of `simulate --json --mode arrival` in the inputs");
            return section;
        }
        section.put(
                "source",
                "simulate --json --mode arrival rows: queue wait (placement - arrival) and end-to-end "
                        + "latency (finish - arrival) percentiles, seconds");
        boolean oneShape = arrival.stream()
                        .map(r -> r.ranks() + "x" + r.batch())
                        .distinct()
                        .count()
                == 1;
        if (oneShape) {
            section.put(
                    "source",
                    section.get("source").asText() + "; G=" + arrival.get(0).ranks() + " B="
                            + arrival.get(0).batch());
        }
        for (SimRow r : arrival) {
            ObjectNode row = rows.addObject();
            row.put("policy", r.policy());
            row.put("label", oneShape ? r.policy() : r.policy() + " (G=" + r.ranks() + " B=" + r.batch() + ")");
            number(row, "queueWaitP50", r.queueWaitP50S());
            number(row, "queueWaitP95", r.queueWaitP95S());
            number(row, "queueWaitP99", r.queueWaitP99S());
            number(row, "e2eP50", r.e2eP50S());
            number(row, "e2eP95", r.e2eP95S());
            number(row, "e2eP99", r.e2eP99S());
        }
        return section;
    }

    private static ObjectNode sweep(ReportData data) {
        ObjectNode section = JSON.createObjectNode();
        ArrayNode maps = section.putArray("maps");
        List<SimRow> rows = data.simRows().stream()
                .filter(r -> r.kind() == SimRow.Kind.SWEEP)
                .toList();
        if (rows.isEmpty()) {
            section.put("missing", "no rows of `sweep --json` in the inputs");
            return section;
        }
        section.put(
                "source",
                "sweep --json rows: imbalance_ratio = the sweep's first (baseline) policy's average "
                        + "imbalance over this policy's, per cell of ranks x batch; above 1: this policy balances better");
        TreeSet<Integer> ranks = new TreeSet<>();
        TreeSet<Integer> batches = new TreeSet<>();
        rows.forEach(r -> {
            ranks.add(r.ranks());
            batches.add(r.batch());
        });
        List<Integer> rankAxis = new ArrayList<>(ranks);
        List<Integer> batchAxis = new ArrayList<>(batches);
        Map<String, List<SimRow>> byPolicy = new LinkedHashMap<>();
        rows.forEach(r ->
                byPolicy.computeIfAbsent(r.policy(), p -> new ArrayList<>()).add(r));
        byPolicy.forEach((policy, ofPolicy) -> {
            boolean baseline = ofPolicy.stream().allMatch(r -> r.imbalanceRatio() == 1.0);
            if (baseline && byPolicy.size() > 1) {
                section.put("baseline", policy);
                return;
            }
            ObjectNode map = maps.addObject();
            map.put("policy", policy);
            ArrayNode x = map.putArray("batches");
            batchAxis.forEach(x::add);
            ArrayNode y = map.putArray("ranks");
            rankAxis.forEach(y::add);
            ArrayNode cells = map.putArray("cells");
            for (SimRow r : ofPolicy) {
                ArrayNode cell =
                        cells.addArray().add(batchAxis.indexOf(r.batch())).add(rankAxis.indexOf(r.ranks()));
                if (Double.isNaN(r.imbalanceRatio())) {
                    cell.addNull();
                } else {
                    cell.add(r.imbalanceRatio());
                }
            }
        });
        return section;
    }

    private static List<StepMetrics> stepsOf(ReportData data, String cluster) {
        return data.stepMetrics().stream()
                .filter(m -> m.getClusterId().equals(cluster))
                .sorted(Comparator.comparing(StepMetrics::getStepStart).thenComparing(StepMetrics::getStep))
                .toList();
    }

    private static ArrayNode addSeries(ArrayNode series, String policy) {
        ObjectNode s = series.addObject();
        s.put("name", policy);
        return s.putArray("points");
    }

    private static String ofCluster(String cluster) {
        return cluster == null ? "" : " of cluster " + cluster;
    }

    private static void number(ObjectNode node, String name, double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            node.putNull(name);
        } else {
            node.put(name, value);
        }
    }
}
