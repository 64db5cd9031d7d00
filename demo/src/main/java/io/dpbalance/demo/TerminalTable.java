package io.dpbalance.demo;

import java.util.List;
import java.util.Locale;

/** The per-policy table as text, one block per cluster. */
final class TerminalTable {

    private TerminalTable() {}

    static String render(List<PolicyRow> rows) {
        if (rows.isEmpty()) {
            return "(no committed windows yet)\n";
        }
        StringBuilder out = new StringBuilder();
        String cluster = null;
        double observedIdle = Double.NaN;
        for (PolicyRow row : rows) {
            if (!row.cluster().equals(cluster)) {
                cluster = row.cluster();
                observedIdle = rows.stream()
                        .filter(r ->
                                r.cluster().equals(row.cluster()) && r.label().equals(WindowTable.OBSERVED))
                        .mapToDouble(PolicyRow::idleFraction)
                        .findFirst()
                        .orElse(Double.NaN);
                out.append(String.format(
                        Locale.ROOT,
                        "%-28s %9s %8s %12s %10s %9s %8s %4s%n",
                        cluster,
                        "idle_frac",
                        "vs_obs",
                        "imbalance",
                        "J/token",
                        "p99_dec_us",
                        "steps",
                        "win"));
            }
            String versus = row.label().equals(WindowTable.OBSERVED) || !(observedIdle > 0)
                    ? ""
                    : String.format(Locale.ROOT, "%+.1f%%", 100 * (row.idleFraction() / observedIdle - 1));
            out.append(String.format(
                    Locale.ROOT,
                    "  %-26s %9.4f %8s %12.0f %10.4f %10s %8d %4d%n",
                    row.label(),
                    row.idleFraction(),
                    versus,
                    row.imbalance(),
                    row.joulesPerToken(),
                    Double.isNaN(row.p99DecisionMicros())
                            ? "-"
                            : String.format(Locale.ROOT, "%.1f", row.p99DecisionMicros()),
                    row.steps(),
                    row.windows()));
        }
        return out.toString();
    }
}
