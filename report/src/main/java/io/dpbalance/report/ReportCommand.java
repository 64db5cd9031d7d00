package io.dpbalance.report;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bin/dpbalance report}: the jobs' records and simulation rows as a table, a CSV and one HTML file. */
@Command(
        name = "dpbalance report",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        version = "dpbalance 0.1.0",
        description = {
            "Read what the jobs wrote (from Kafka topics, or their --output-files) and/or the JSON lines of "
                    + "`bin/dpbalance simulate --json` and `sweep --json`; print a per-policy table and write one "
                    + "self-contained HTML report (charts drawn with Apache ECharts, inlined: no network needed to open it).",
            "The report shows: idle fraction over time per policy beside observed; the imbalance CDF; energy per token "
                    + "and tokens per joule; per-rank loads in one window (from RankStep records, dp.rank-steps); queue-wait "
                    + "and end-to-end latency percentiles (simulate --mode arrival rows); the sweep's imbalance-ratio heat "
                    + "map. A section whose records are not in the inputs says so."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:report written", "1:Kafka could not be read", "2:bad flag or input file"})
public final class ReportCommand implements Callable<Integer> {

    static final class Source {
        @Option(
                names = "--bootstrap",
                paramLabel = "HOST:PORT",
                description = "Read the topics dp.step-metrics, dp.window-metrics, dp.assignments and dp.rank-steps "
                        + "(with --topic-prefix) from this Kafka cluster, from the beginning to their end offsets, as a "
                        + "read_committed consumer. Absent topics are noted and skipped.")
        String bootstrap;

        @Option(
                names = "--input-files",
                paramLabel = "F1,F2,...",
                split = ",",
                hideParamSyntax = true,
                description = "Files or directories (searched recursively) to read instead: the jobs' --output-files "
                        + "directories (JSON lines), Avro container or JSON-lines files as the datagen writes them "
                        + "(dp.rank-steps.avro gives the per-rank heat map), and files holding the output of `simulate --json` "
                        + "or `sweep --json`. Each file's kind is told by its content.")
        List<Path> inputFiles;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(
            names = "--topic-prefix",
            paramLabel = "PREFIX",
            defaultValue = "",
            description =
                    "With --bootstrap: put in front of every topic name, e.g. 'demo.' reads demo.dp.window-metrics. "
                            + "Default: none.")
    String topicPrefix;

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            defaultValue = "30",
            description = "With --bootstrap: how long to wait for the cluster, and for more records before the end "
                    + "offsets are reached. Default ${DEFAULT-VALUE}.")
    long timeoutSeconds;

    @Option(
            names = "--out",
            paramLabel = "FILE",
            defaultValue = "report.html",
            description = "The HTML file to write (replaced if it exists). Default ${DEFAULT-VALUE}.")
    Path out;

    @Option(
            names = "--csv",
            paramLabel = "FILE",
            description = "Also write the numbers as CSV: one row per cluster and policy of the jobs' records "
                    + "(kind=job), then one per simulate row (kind=simulate) and sweep row (kind=sweep).")
    Path csv;

    @Option(
            names = "--window",
            paramLabel = "INDEX|START",
            description = "Window of the per-rank heat map: its index among the cluster's windows (0, 1, ...), or an "
                    + "instant inside it, as epoch milliseconds or 2026-01-01T00:00:10Z. Windows are those of the "
                    + "WindowMetrics (else 10 s windows of the RankStep records). Default: the window in which the observed "
                    + "cluster's mean imbalance was highest.")
    String window;

    @Option(
            names = "--cluster",
            paramLabel = "ID",
            description = "Cluster whose charts to draw (the table shows every cluster). Default: the first cluster id "
                    + "in sorted order.")
    String cluster;

    @Option(
            names = "--title",
            paramLabel = "TEXT",
            defaultValue = "dpbalance report",
            description = "Heading of the HTML page. Default '${DEFAULT-VALUE}'.")
    String title;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line; tests execute it with their own output streams. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new ReportCommand());
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof IllegalArgumentException || ex instanceof UncheckedIOException) {
                commandLine.getErr().println("dpbalance report: " + ex.getMessage());
                return 2;
            }
            if (ex instanceof IllegalStateException) {
                commandLine.getErr().println("dpbalance report: " + ex.getMessage());
                return 1;
            }
            throw ex;
        });
        return cli;
    }

    @Override
    public Integer call() throws IOException {
        if (timeoutSeconds < 1) {
            throw new IllegalArgumentException("--timeout: expected at least 1 second, got " + timeoutSeconds);
        }
        if (source.inputFiles != null && !topicPrefix.isEmpty()) {
            throw new IllegalArgumentException("--topic-prefix goes with --bootstrap, not --input-files");
        }
        ReportOptions options = ReportOptions.defaults().withTitle(title);
        if (cluster != null) {
            options = options.withCluster(cluster);
        }
        if (window != null) {
            options = options.withWindow(parseWindow(window));
        }
        ReportData data = source.bootstrap != null
                ? ReportData.fromKafka(source.bootstrap, topicPrefix, Duration.ofSeconds(timeoutSeconds))
                : ReportData.fromFiles(source.inputFiles);
        PrintWriter stdout = spec.commandLine().getOut();
        // the HTML first: a --cluster or --window that is not in the data fails before anything is printed
        HtmlReport.write(data, out, options);
        stdout.print(TerminalTable.render(data));
        stdout.println("HTML report: " + out.toAbsolutePath().normalize());
        if (csv != null) {
            CsvReport.write(data, csv);
            stdout.println("CSV: " + csv.toAbsolutePath().normalize());
        }
        stdout.flush();
        return 0;
    }

    static long parseWindow(String text) {
        if (text.matches("\\d+")) {
            return Long.parseLong(text);
        }
        try {
            return Instant.parse(text).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("--window " + text
                    + ": expected a window index, epoch milliseconds or an " + "instant such as 2026-01-01T00:00:10Z");
        }
    }
}
