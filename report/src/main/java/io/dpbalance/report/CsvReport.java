package io.dpbalance.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The report's numbers as one CSV: a row per (cluster, policy) of the jobs' records ({@code kind} = {@code job}),
 * then a row per {@code simulate --json} row ({@code simulate}) and per {@code sweep --json} row ({@code sweep}).
 * Columns a kind does not have are empty.
 */
public final class CsvReport {

    static final String HEADER = "kind,cluster,policy,source,mode,ranks,batch,steps,avg_idle_fraction,"
            + "avg_imbalance,tokens,energy_joules,idle_energy_joules,energy_per_token_joules,tokens_per_joule,"
            + "throughput_tokens_per_s,first_time_utc,last_time_utc,queue_wait_p50_s,queue_wait_p95_s,queue_wait_p99_s,"
            + "e2e_p50_s,e2e_p95_s,e2e_p99_s,imbalance_ratio";

    private CsvReport() {}

    public static void write(ReportData data, Path out) throws IOException {
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(out, render(data), StandardCharsets.UTF_8);
    }

    /** The CSV text, header first, lines ending in {@code \n}. */
    public static String render(ReportData data) {
        List<String> lines = new ArrayList<>();
        lines.add(HEADER);
        for (PolicySummary s : PolicySummary.of(data)) {
            lines.add(String.join(
                    ",",
                    "job",
                    quote(s.cluster()),
                    quote(s.policy()),
                    s.source(),
                    "",
                    "",
                    "",
                    Long.toString(s.steps()),
                    num(s.avgIdleFraction()),
                    num(s.avgImbalance()),
                    Long.toString(s.tokens()),
                    num(s.energyJoules()),
                    num(s.idleEnergyJoules()),
                    num(s.energyPerToken()),
                    num(s.tokensPerJoule()),
                    num(s.throughputTokensPerS()),
                    Times.format(s.from()),
                    Times.format(s.to()),
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    ""));
        }
        for (SimRow r : data.simRows()) {
            lines.add(String.join(
                    ",",
                    r.kind().name().toLowerCase(Locale.ROOT),
                    "",
                    quote(r.policy()),
                    quote(r.source()),
                    r.mode(),
                    Integer.toString(r.ranks()),
                    Integer.toString(r.batch()),
                    Long.toString(r.steps()),
                    num(r.avgIdleFraction()),
                    num(r.avgImbalance()),
                    Long.toString(r.tokens()),
                    num(r.energyJoules()),
                    "",
                    num(r.energyPerToken()),
                    num(r.tokensPerJoule()),
                    num(r.throughputTokensPerS()),
                    "",
                    "",
                    num(r.queueWaitP50S()),
                    num(r.queueWaitP95S()),
                    num(r.queueWaitP99S()),
                    num(r.e2eP50S()),
                    num(r.e2eP95S()),
                    num(r.e2eP99S()),
                    num(r.imbalanceRatio())));
        }
        return String.join("\n", lines) + "\n";
    }

    private static String num(double value) {
        return Double.isNaN(value) || Double.isInfinite(value) ? "" : Double.toString(value);
    }

    private static String quote(String text) {
        if (text.contains(",") || text.contains("\"") || text.contains("\n")) {
            return "\"" + text.replace("\"", "\"\"") + "\"";
        }
        return text;
    }
}
