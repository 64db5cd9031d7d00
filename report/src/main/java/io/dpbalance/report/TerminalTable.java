package io.dpbalance.report;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The report as plain-text tables: per cluster and policy, then the simulate and sweep rows. */
public final class TerminalTable {

    private TerminalTable() {}

    /**
     * Per cluster, one row per policy ({@code observed} first): steps, mean idle fraction and its ratio to observed's,
     * mean imbalance, energy, energy per token, tokens per joule, throughput and which records the row comes from;
     * then the rows of {@code simulate --json} and {@code sweep --json}, if any.
     */
    public static String render(ReportData data) {
        StringBuilder out = new StringBuilder();
        List<PolicySummary> summaries = PolicySummary.of(data);
        Map<String, List<PolicySummary>> byCluster = new LinkedHashMap<>();
        summaries.forEach(s ->
                byCluster.computeIfAbsent(s.cluster(), c -> new ArrayList<>()).add(s));
        byCluster.forEach((cluster, rows) -> {
            PolicySummary observed = rows.stream()
                    .filter(s -> s.policy().equals(PolicySummary.OBSERVED))
                    .findFirst()
                    .orElse(null);
            out.append(String.format(
                    Locale.ROOT,
                    "cluster %s: %s .. %s%n",
                    cluster,
                    Times.format(rows.stream()
                            .map(PolicySummary::from)
                            .min(Instant::compareTo)
                            .orElse(null)),
                    Times.format(rows.stream()
                            .map(PolicySummary::to)
                            .max(Instant::compareTo)
                            .orElse(null))));
            List<String[]> table = new ArrayList<>();
            table.add(new String[] {
                "policy",
                "steps",
                "idle_frac",
                "idle/observed",
                "imbalance",
                "energy_J",
                "J/token",
                "tok/J",
                "tok/s",
                "records"
            });
            for (PolicySummary s : rows) {
                table.add(new String[] {
                    s.policy(),
                    Long.toString(s.steps()),
                    fmt("%.4f", s.avgIdleFraction()),
                    observed == null || observed.avgIdleFraction() == 0
                            ? "-"
                            : fmt("%.3f", s.avgIdleFraction() / observed.avgIdleFraction()),
                    fmt("%.1f", s.avgImbalance()),
                    fmt("%.1f", s.energyJoules()),
                    fmt("%.4f", s.energyPerToken()),
                    fmt("%.4f", s.tokensPerJoule()),
                    fmt("%.1f", s.throughputTokensPerS()),
                    s.source()
                });
            }
            out.append(align(table)).append('\n');
        });
        List<SimRow> simulate = data.simRows().stream()
                .filter(r -> r.kind() == SimRow.Kind.SIMULATE)
                .toList();
        if (!simulate.isEmpty()) {
            out.append("simulate --json rows\n");
            List<String[]> table = new ArrayList<>();
            table.add(new String[] {
                "policy",
                "mode",
                "ranks",
                "batch",
                "steps",
                "idle_frac",
                "imbalance",
                "J/token",
                "tok/J",
                "wait_p99_s",
                "e2e_p99_s"
            });
            for (SimRow r : simulate) {
                table.add(new String[] {
                    r.policy(),
                    r.mode(),
                    Integer.toString(r.ranks()),
                    Integer.toString(r.batch()),
                    Long.toString(r.steps()),
                    fmt("%.4f", r.avgIdleFraction()),
                    fmt("%.1f", r.avgImbalance()),
                    fmt("%.4f", r.energyPerToken()),
                    fmt("%.4f", r.tokensPerJoule()),
                    fmt("%.3f", r.queueWaitP99S()),
                    fmt("%.3f", r.e2eP99S())
                });
            }
            out.append(align(table)).append('\n');
        }
        List<SimRow> sweep = data.simRows().stream()
                .filter(r -> r.kind() == SimRow.Kind.SWEEP)
                .toList();
        if (!sweep.isEmpty()) {
            out.append("sweep --json rows (imbalance_ratio: the sweep's first policy's imbalance over this one's)\n");
            List<String[]> table = new ArrayList<>();
            table.add(new String[] {"ranks", "batch", "policy", "idle_frac", "imbalance", "imbalance_ratio"});
            for (SimRow r : sweep) {
                table.add(new String[] {
                    Integer.toString(r.ranks()),
                    Integer.toString(r.batch()),
                    r.policy(),
                    fmt("%.4f", r.avgIdleFraction()),
                    fmt("%.1f", r.avgImbalance()),
                    fmt("%.2f", r.imbalanceRatio())
                });
            }
            out.append(align(table)).append('\n');
        }
        if (out.length() == 0) {
            out.append("no records in the inputs\n");
        }
        for (String note : data.notes()) {
            out.append("note: ").append(note).append('\n');
        }
        return out.toString();
    }

    static String fmt(String pattern, double value) {
        return Double.isNaN(value) || Double.isInfinite(value) ? "-" : String.format(Locale.ROOT, pattern, value);
    }

    private static String align(List<String[]> rows) {
        int[] width = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                String cell = String.format(Locale.ROOT, "%" + (i == 0 ? "-" : "") + width[i] + "s", row[i]);
                sb.append(i == 0 ? "" : "  ").append(cell);
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
