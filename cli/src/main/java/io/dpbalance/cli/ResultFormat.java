package io.dpbalance.cli;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.dpbalance.engine.sim.SimulationResult;
import io.dpbalance.engine.sim.WorkloadMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders simulation results as JSON lines (docs/design.md §10 field names) or as a readable table. */
final class ResultFormat {

    private ResultFormat() {}

    static Map<String, Object> fields(SimulationResult r, int requests) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("policy", r.policy());
        f.put("mode", r.mode().cliName());
        f.put("ranks", r.ranks());
        f.put("batch", r.batch());
        f.put("requests", requests);
        f.put("avg_imbalance", r.avgImbalance());
        f.put("avg_idle_fraction", r.avgIdleFraction());
        f.put("throughput_tokens_per_s", r.throughputTokensPerS());
        f.put("energy_joules", r.energyJoules());
        f.put("idle_energy_joules", r.idleEnergyJoules());
        f.put("tokens_per_joule", r.tokensPerJoule());
        f.put("tokens", r.tokens());
        f.put("seconds", r.seconds());
        f.put("mean_tpot_s", r.meanTpotS());
        f.put("finished", r.finished());
        f.put("steps", r.steps());
        f.put("averaged_steps", r.averagedSteps());
        f.put("decisions", r.decisions());
        f.put("decision_p50_us", r.decisionP50Us());
        f.put("decision_p99_us", r.decisionP99Us());
        f.put("max_wait_steps", r.maxWaitSteps());
        if (r.mode() == WorkloadMode.ARRIVAL) {
            f.put("queue_wait_p50_s", r.queueWaitP50S());
            f.put("queue_wait_p95_s", r.queueWaitP95S());
            f.put("queue_wait_p99_s", r.queueWaitP99S());
            f.put("e2e_p50_s", r.e2eP50S());
            f.put("e2e_p95_s", r.e2eP95S());
            f.put("e2e_p99_s", r.e2eP99S());
        }
        f.put("wall_ms", r.wallMs());
        return f;
    }

    static String json(Map<String, Object> fields) {
        StringBuilder sb = new StringBuilder("{");
        fields.forEach((k, v) -> {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            sb.append('"').append(k).append("\": ").append(value(v));
        });
        return sb.append('}').toString();
    }

    /** A JSON value; a double that JSON cannot hold (NaN, infinity) is {@code null}, as in the records' JSON form. */
    private static String value(Object v) {
        if (v instanceof String s) {
            return '"' + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + '"';
        }
        if (v instanceof Double d) {
            return d.isNaN() || d.isInfinite() ? "null" : Double.toString(d);
        }
        return String.valueOf(v);
    }

    /** A fixed-width table, one row per result. */
    static String table(List<SimulationResult> results) {
        boolean arrival = !results.isEmpty() && results.get(0).mode() == WorkloadMode.ARRIVAL;
        List<String[]> rows = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of(
                "policy",
                "avg_imbalance",
                "idle_frac",
                "tok/s",
                "energy_J",
                "tok/J",
                "TPOT_ms",
                "steps",
                "averaged",
                "decisions",
                "dec_p50_us",
                "dec_p99_us",
                "wall_ms"));
        if (arrival) {
            header.addAll(List.of("wait_p50_s", "wait_p99_s", "e2e_p50_s", "e2e_p99_s"));
        }
        rows.add(header.toArray(new String[0]));
        for (SimulationResult r : results) {
            List<String> row = new ArrayList<>(List.of(
                    r.policy(),
                    fmt("%.2f", r.avgImbalance()),
                    fmt("%.5f", r.avgIdleFraction()),
                    fmt("%.1f", r.throughputTokensPerS()),
                    fmt("%.1f", r.energyJoules()),
                    fmt("%.3f", r.tokensPerJoule()),
                    fmt("%.3f", r.meanTpotS() * 1000),
                    Long.toString(r.steps()),
                    Long.toString(r.averagedSteps()),
                    Long.toString(r.decisions()),
                    fmt("%.1f", r.decisionP50Us()),
                    fmt("%.1f", r.decisionP99Us()),
                    fmt("%.0f", r.wallMs())));
            if (arrival) {
                row.addAll(List.of(
                        fmt("%.3f", r.queueWaitP50S()),
                        fmt("%.3f", r.queueWaitP99S()),
                        fmt("%.3f", r.e2eP50S()),
                        fmt("%.3f", r.e2eP99S())));
            }
            rows.add(row.toArray(new String[0]));
        }
        return align(rows);
    }

    static String align(List<String[]> rows) {
        int[] width = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                if (i == 0) {
                    sb.append(String.format(Locale.ROOT, "%-" + width[i] + "s", row[i]));
                } else {
                    sb.append("  ").append(String.format(Locale.ROOT, "%" + width[i] + "s", row[i]));
                }
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    static String fmt(String pattern, double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, pattern, v);
    }
}
