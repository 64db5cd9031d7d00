package io.dpbalance.demo;

import io.dpbalance.datagen.generate.Clusters;
import io.dpbalance.datagen.generate.DecodeLogSettings;
import io.dpbalance.datagen.generate.Granularity;
import io.dpbalance.engine.metrics.CostModel;
import io.dpbalance.engine.metrics.PowerProfile;
import io.dpbalance.engine.policy.PolicyFactory;
import io.dpbalance.engine.policy.PolicySpec;
import io.dpbalance.engine.sim.ClusterConfig;
import io.dpbalance.engine.trace.ReadOptions;
import io.dpbalance.engine.trace.Workload;
import io.dpbalance.engine.trace.WorkloadFormat;
import io.dpbalance.engine.trace.WorkloadReader;
import io.dpbalance.jobs.analytics.AnalyticsSettings;
import io.dpbalance.jobs.common.DurationConverter;
import io.dpbalance.jobs.shadow.ClusterSpec;
import io.dpbalance.jobs.shadow.ShadowSettings;
import io.dpbalance.report.HtmlReport;
import io.dpbalance.report.PolicySummary;
import io.dpbalance.report.ReportData;
import io.dpbalance.report.ReportOptions;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/** {@code bin/dpbalance demo}: the whole system on this machine, from one command. */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Run the whole system locally and show it working: a Kafka broker (under --dir), the "
                    + "topics under --prefix, an overloaded production cluster's decode log streamed in real time (the "
                    + "datagen's decode-log generator: the engine simulating --clusters clusters of --ranks x --batch "
                    + "under --production-policy on the Azure trace, arrivals compressed by --time-scale), the same "
                    + "requests replayed to the shadow job, the analytics job and the shadow job (--policies) on an "
                    + "embedded Flink with exactly-once output, a per-policy table on the terminal and a live page with "
                    + "charts on 127.0.0.1:--port.",
            "Table and page are read from the committed dp.window-metrics (read_committed), averaged over the "
                    + "windows that production (observed) and every policy have committed.",
            "Stops after --duration seconds, on Ctrl-C (SIGINT) or SIGTERM, or when the workload is used up: stops "
                    + "the generators, stops the jobs with a savepoint (which commits their last output), writes the "
                    + "HTML report of everything committed under --dir (bin/dpbalance report's), re-reads the "
                    + "committed metrics with an independent read_committed consumer and checks that the report "
                    + "shows the same numbers, stops the broker. Exit 0 when all went well, 1 when something failed "
                    + "or the check found a difference, 2 on a bad option."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:stopped cleanly, report written and checked",
            "1:a service or job failed, the report differs from the committed windows, or --expect-bfio-gain failed",
            "2:a bad option or workload"
        })
public final class DemoCommand implements Callable<Integer> {

    static final Path DEFAULT_WORKLOAD = Path.of("data", "azure-llm-2023", "AzureLLMInferenceTrace_conv.csv");

    @Option(
            names = "--duration",
            paramLabel = "SECONDS",
            defaultValue = "0",
            description = "Stop after this many seconds of streaming; 0 runs until Ctrl-C (or until the workload is "
                    + "used up). Default ${DEFAULT-VALUE}.")
    int durationSeconds;

    @Option(
            names = "--port",
            paramLabel = "N",
            defaultValue = "8080",
            description = "Port of the live page on 127.0.0.1 (0: a free one). Default ${DEFAULT-VALUE}.")
    int port;

    @Option(
            names = "--clusters",
            paramLabel = "N",
            defaultValue = "1",
            description = "Production clusters, cluster-0 .. N-1; each gets the whole workload and its own shadows. "
                    + "Default ${DEFAULT-VALUE}.")
    int clusters;

    @Option(
            names = "--ranks",
            paramLabel = "G",
            defaultValue = "16",
            description = "DP ranks of every cluster, production and shadow. Default ${DEFAULT-VALUE}.")
    int ranks;

    @Option(
            names = "--batch",
            paramLabel = "B",
            defaultValue = "8",
            description = "Batch capacity (running requests per rank). Default ${DEFAULT-VALUE}.")
    int batch;

    @Option(
            names = "--time-scale",
            paramLabel = "X",
            defaultValue = "0.03",
            description = "Multiply the trace's inter-arrival times by X: the default compresses the Azure trace "
                    + "~33x, which overloads a 16 x 8 cluster (the queue grows; see docs/demo.md). Default "
                    + "${DEFAULT-VALUE}.")
    double timeScale;

    @Option(
            names = "--production-policy",
            paramLabel = "POLICY",
            defaultValue = "vllm",
            description =
                    "How the observed production cluster places requests (a policy of docs/design.md §5). Default "
                            + "${DEFAULT-VALUE}.")
    String productionPolicy;

    @Option(
            names = "--policies",
            paramLabel = "P1,P2,...",
            defaultValue = "vllm,least-tokens,trtllm,bfio:h=0,bfio:lookahead=hazard,bfio:lookahead=oracle",
            description = "The shadow job's policies, as `simulate --policies`; a bfio without a lookahead gets the "
                    + "oracle (the replay knows each output length). Default ${DEFAULT-VALUE}.")
    String policies;

    @Option(
            names = "--workload",
            paramLabel = "FILE",
            defaultValue = "data/azure-llm-2023/AzureLLMInferenceTrace_conv.csv",
            description =
                    "Trace to stream (any format `simulate` reads, with arrival times). Default ${DEFAULT-VALUE}.")
    Path workload;

    @Option(
            names = "--limit",
            paramLabel = "N",
            description = "Stream at most the first N requests (default: the whole trace).")
    Long limit;

    @Option(
            names = "--decode-log",
            paramLabel = "rank|token|both",
            defaultValue = "rank",
            description = "What production's decode log carries for the analytics job: rank (one RankStep per rank "
                    + "and step), token (one TokenEvent per running request and step: ~8x the records), or both. "
                    + "Default ${DEFAULT-VALUE}.")
    String decodeLog;

    @Option(
            names = "--window",
            paramLabel = "DURATION",
            defaultValue = "5s",
            converter = DurationConverter.class,
            description = "Tumbling window of dp.window-metrics in both jobs (one chart point each). Default "
                    + "${DEFAULT-VALUE}.")
    Duration window;

    @Option(
            names = "--checkpoint-interval",
            paramLabel = "DURATION",
            defaultValue = "2s",
            converter = DurationConverter.class,
            description = "Checkpoint interval of both jobs: exactly-once output becomes visible when a checkpoint "
                    + "completes. Default ${DEFAULT-VALUE}.")
    Duration checkpointInterval;

    @Option(
            names = "--lag",
            paramLabel = "DURATION",
            defaultValue = "1s",
            converter = DurationConverter.class,
            description = "How far the shadow runs behind its watermark (shadow --lag). The replay carries output "
                    + "lengths at arrival, so no completion has to be waited for. Default ${DEFAULT-VALUE}.")
    Duration lag;

    @Option(
            names = "--refresh",
            paramLabel = "SECONDS",
            description = "How often the table is printed: default 2 s, redrawn in place, on a terminal; 10 s, as "
                    + "plain text, otherwise.")
    Integer refreshSeconds;

    @Option(
            names = "--prefix",
            paramLabel = "PREFIX",
            defaultValue = "demo.",
            description = "Put in front of every topic name. Default '${DEFAULT-VALUE}'.")
    String prefix;

    @Option(
            names = "--kafka-port",
            paramLabel = "N",
            defaultValue = "0",
            description = "Client port of the demo's broker on 127.0.0.1 (0: a free one). Default ${DEFAULT-VALUE}.")
    int kafkaPort;

    @Option(
            names = "--dir",
            paramLabel = "DIR",
            defaultValue = "var/demo",
            description = "Where the broker's data and logs, the jobs' checkpoints, the log file and the reports go "
                    + "(emptied broker data on every run). Default ${DEFAULT-VALUE}.")
    Path dir;

    @Option(
            names = "--expect-bfio-gain",
            description = "Also exit 1 unless, in every cluster of the report, bfio:lookahead=oracle's idle fraction "
                    + "is at most half of vllm's and bfio:lookahead=hazard's is below vllm's (the demo's claim; for "
                    + "CI). Needs those three policies in --policies.")
    boolean expectBfioGain;

    /** Committed windows normally show 15-20 s after streaming starts; this long without any is a problem. */
    private static final int NO_ROWS_WARNING_SECONDS = 60;

    /** The report's generation time in its data (report module: ChartData's "generated"). */
    private static final Pattern GENERATED = Pattern.compile("\"generated\":\"[^\"]*\"");

    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private Path logFile;
    /** Whether the table is redrawn in place with ANSI escapes (stdout is a terminal). */
    private boolean ansi;
    /** The table on the screen that the next redraw replaces; null when none is (or ANSI is off). */
    private String liveTable;

    private final long commandStart = ManagementFactory.getRuntimeMXBean().getStartTime();

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new DemoCommand());
        cli.setParameterExceptionHandler((ex, ignored) -> {
            ex.getCommandLine().getErr().println("dpbalance demo: " + ex.getMessage());
            ex.getCommandLine().getErr().println("(bin/dpbalance demo --help lists the options)");
            return 2;
        });
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof IllegalArgumentException || ex instanceof io.dpbalance.engine.trace.WorkloadException) {
                commandLine.getErr().println("dpbalance demo: " + ex.getMessage());
                commandLine.getErr().println("(bin/dpbalance demo --help lists the options)");
                return 2;
            }
            commandLine.getErr().println("dpbalance demo: " + ex.getMessage());
            return 1;
        });
        System.exit(cli.execute(args));
    }

    @Override
    public Integer call() throws Exception {
        List<String> policyTexts = policyTexts();
        Workload trace = readWorkload();
        DecodeLogSettings production = productionSettings();
        List<String> clusterIds = Clusters.ids("cluster-", clusters);
        ShadowSettings shadow = new ShadowSettings(
                policyTexts,
                "oracle",
                1,
                Map.of(),
                new ClusterSpec(ranks, batch, "reference", "reference"),
                lag,
                Duration.ofMinutes(10),
                window,
                Duration.ofMillis(500),
                Duration.ofSeconds(3),
                Duration.ofHours(1),
                128);
        Map<String, Integer> roster = new LinkedHashMap<>();
        clusterIds.forEach(id -> roster.put(id, ranks));
        AnalyticsSettings analytics = new AnalyticsSettings(
                roster,
                Duration.ofMillis(500),
                Duration.ofSeconds(3),
                Duration.ofMillis(100),
                window,
                "reference",
                batch,
                "reference",
                Duration.ofMinutes(10),
                128);
        if (durationSeconds < 0) {
            throw new IllegalArgumentException("--duration must be >= 0 seconds, not " + durationSeconds);
        }
        if (refreshSeconds != null && refreshSeconds < 1) {
            throw new IllegalArgumentException("--refresh must be at least 1 second, not " + refreshSeconds);
        }

        String runId = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Files.createDirectories(dir);
        logFile = dir.resolve("demo-" + runId + ".log");
        PrintStream terminal = System.out;
        PrintStream log = new PrintStream(new FileOutputStream(logFile.toFile()), true, StandardCharsets.UTF_8);
        // Flink's, Kafka's and the generators' own messages go to the log file; the terminal shows the demo.
        System.setErr(log);
        ansi = System.console() != null && !"dumb".equals(System.getenv("TERM"));
        Signal.handle(new Signal("INT"), signal -> stopRequested.countDown());
        Signal.handle(new Signal("TERM"), signal -> stopRequested.countDown());

        String setup = String.format(
                Locale.ROOT,
                "%d cluster(s) of G=%d ranks x B=%d, production policy %s; %s at "
                        + "time scale %s (%d requests); windows %s, checkpoints every %s, shadow lag %s",
                clusters,
                ranks,
                batch,
                productionPolicy,
                trace.source(),
                timeScale,
                trace.requests().size(),
                seconds(window),
                seconds(checkpointInterval),
                seconds(lag));
        progress(terminal, "dpbalance demo: " + setup);
        progress(terminal, "logs of Kafka, Flink and the generators: " + logFile);

        Run run = new Run(terminal, log, setup, policyTexts);
        int exit;
        try {
            exit = run.execute(clusterIds, trace, production, analytics, shadow, runId);
        } finally {
            System.setErr(terminal);
            log.close();
        }
        return exit;
    }

    /** One run's services, in start order; closed in reverse whatever happens. */
    private final class Run {
        final PrintStream terminal;
        final PrintStream log;
        final String setup;
        final List<String> policyOrder;
        volatile DemoState state;
        long startedStreaming;

        Run(PrintStream terminal, PrintStream log, String setup, List<String> policyOrder) {
            this.terminal = terminal;
            this.log = log;
            this.setup = setup;
            this.policyOrder = policyOrder;
            this.state = new DemoState(title(), setup, "starting", List.of(), Map.of());
        }

        int execute(
                List<String> clusterIds,
                Workload trace,
                DecodeLogSettings production,
                AnalyticsSettings analytics,
                ShadowSettings shadow,
                String runId)
                throws Exception {
            try (LiveServer page = new LiveServer(port, () -> state)) {
                progress(terminal, "live page: " + page.url());
                try (LocalBroker broker = LocalBroker.start(dir.resolve("kafka"), kafkaPort)) {
                    progress(
                            terminal,
                            "Kafka broker up at " + broker.bootstrap() + " (data and logs in " + dir.resolve("kafka")
                                    + ")");
                    DemoTopics.create(broker.bootstrap(), prefix);
                    progress(
                            terminal,
                            "topics created: " + prefix + "dp.* and " + prefix + DemoTopics.SHADOW_INPUT
                                    + DemoTopics.REQUESTS);
                    long brokerPid = brokerPid();
                    // The generators start first: the jobs read their topics from the beginning, so nothing is
                    // lost while Flink comes up, and the stream's clock does not wait for it.
                    // Closed in reverse: on a failure the generators stop before the jobs do.
                    try (DemoJobs jobs = new DemoJobs(dir.resolve("flink"));
                            DemoGenerators generators = new DemoGenerators(
                                    trace,
                                    clusterIds,
                                    production,
                                    broker.bootstrap(),
                                    prefix,
                                    new PrintWriter(log, true))) {
                        generators.start();
                        startedStreaming = System.nanoTime();
                        progress(
                                terminal,
                                "streaming the decode log and the replay in real time"
                                        + (durationSeconds > 0 ? " for " + durationSeconds + " s" : "")
                                        + "; Ctrl-C stops");
                        jobs.startAnalytics(broker.bootstrap(), prefix, analytics, checkpointInterval, runId);
                        jobs.startShadow(broker.bootstrap(), prefix, shadow, checkpointInterval, runId);
                        jobs.awaitRunning(Duration.ofSeconds(60));
                        progress(
                                terminal,
                                "Flink jobs running (embedded): trace analytics, shadow scheduling with "
                                        + String.join(", ", policyOrder));
                        return stream(generators, jobs, broker, brokerPid, runId);
                    }
                }
            }
        }

        private int stream(DemoGenerators generators, DemoJobs jobs, LocalBroker broker, long brokerPid, String runId)
                throws Exception {
            String windowTopic = prefix + DemoTopics.WINDOW_METRICS;
            int exit = 0;
            Long firstRowsAt = null;
            boolean warnedNoRows = false;
            try (WindowCollector collector = new WindowCollector(broker.bootstrap(), windowTopic)) {
                long lastTable = 0;
                String why;
                while (true) {
                    collector.readToEnd(Duration.ofSeconds(1));
                    List<PolicyRow> rows = update(
                            collector,
                            "running for " + elapsed() + " s"
                                    + (collector.undecodable() > 0
                                            ? "; " + collector.undecodable() + " records of " + windowTopic
                                                    + " did not decode and are not shown"
                                            : ""));
                    if (firstRowsAt == null && !rows.isEmpty()) {
                        firstRowsAt = System.currentTimeMillis();
                        progress(
                                terminal,
                                "first committed windows: "
                                        + String.format(
                                                Locale.ROOT,
                                                "%.1f s after the command",
                                                (firstRowsAt - commandStart) / 1e3));
                    }
                    if (firstRowsAt == null && !warnedNoRows && elapsed() >= NO_ROWS_WARNING_SECONDS) {
                        warnedNoRows = true;
                        progress(
                                terminal,
                                "no committed windows after " + NO_ROWS_WARNING_SECONDS + " s of "
                                        + "streaming: are the jobs restarting? " + logFile + " says why");
                    }
                    if (System.nanoTime() - lastTable >= refresh() * 1_000_000_000L) {
                        printTable(rows, false);
                        lastTable = System.nanoTime();
                    }
                    if (stopRequested.getCount() == 0) {
                        why = "stop requested";
                        break;
                    }
                    if (durationSeconds > 0 && elapsed() >= durationSeconds) {
                        why = "--duration " + durationSeconds + " s reached";
                        break;
                    }
                    if (generators.failure() != null) {
                        throw new IllegalStateException(
                                "a generator failed: " + generators.failure().getMessage(), generators.failure());
                    }
                    if (generators.finished()) {
                        why = "the workload is used up";
                        break;
                    }
                    String stopped = jobs.stoppedJob();
                    if (stopped != null) {
                        throw new IllegalStateException("the job " + stopped + " stopped; see the log file");
                    }
                    Thread.sleep(500);
                }
                progress(terminal, "stopping (" + why + "): generators");
                generators.close();
                progress(
                        terminal,
                        String.format(
                                Locale.ROOT,
                                "stopping the jobs with a savepoint (%,d records " + "streamed)",
                                generators.written()));
                jobs.close();
                if (!collector.readToEnd(Duration.ofSeconds(60))) {
                    throw new IllegalStateException("could not read " + windowTopic + " to its end within 60 s");
                }
                Map<String, Double> p99 = DecisionLatencies.p99Micros();
                List<PolicyRow> rows = collector.withTable(t -> t.rows(policyOrder, p99));
                state = collector.withTable(t -> stateOf(t, rows, "stopped after " + elapsed() + " s (" + why + ")"));
                printTable(rows, true);
                exit = Math.max(exit, writeReport(broker.bootstrap(), runId));
                printCpu(brokerPid);
                if (firstRowsAt != null) {
                    terminal.printf(
                            Locale.ROOT,
                            "first committed windows came %.1f s after the command%n",
                            (firstRowsAt - commandStart) / 1e3);
                }
            }
            return exit;
        }

        private List<PolicyRow> update(WindowCollector collector, String status) {
            Map<String, Double> p99 = DecisionLatencies.p99Micros();
            return collector.withTable(t -> {
                List<PolicyRow> rows = t.rows(policyOrder, p99);
                state = stateOf(t, rows, status);
                return rows;
            });
        }

        private DemoState stateOf(WindowTable table, List<PolicyRow> rows, String status) {
            Map<String, Map<String, List<double[]>>> series = new LinkedHashMap<>();
            for (String cluster : table.clusters()) {
                series.put(cluster, table.idleSeries(cluster, policyOrder));
            }
            return new DemoState(title(), setup, status, rows, series);
        }

        private int refresh() {
            return refreshSeconds != null ? refreshSeconds : ansi ? 2 : 10;
        }

        private void printTable(List<PolicyRow> rows, boolean last) {
            String text = (last ? "final" : "t=" + elapsed() + " s") + ": committed windows, averaged over those "
                    + "every row has\n" + TerminalTable.render(rows);
            if (ansi) {
                clearTable(terminal);
                liveTable = last ? null : text;
            }
            terminal.print(text);
            terminal.flush();
        }

        private long elapsed() {
            return startedStreaming == 0 ? 0 : (System.nanoTime() - startedStreaming) / 1_000_000_000L;
        }

        /**
         * Writes the HTML report (the report module, on everything the jobs committed under the prefix), prints its
         * table, and checks it: a second, independent read_committed read of the topics must give the same
         * per-policy numbers and render byte for byte the same file. Then --expect-bfio-gain, on the report's
         * numbers.
         */
        private int writeReport(String bootstrap, String runId) throws IOException {
            Path report = dir.resolve("report-" + runId + ".html");
            ReportOptions options = ReportOptions.defaults().withTitle("dpbalance demo, " + runId);
            ReportData data = ReportData.fromKafka(bootstrap, prefix, Duration.ofSeconds(60));
            HtmlReport.write(data, report, options);
            terminal.print("report table: every committed step (step metrics) per policy\n"
                    + io.dpbalance.report.TerminalTable.render(data));
            progress(terminal, "report: " + report.toAbsolutePath());
            state = new DemoState(
                    state.title(),
                    state.setup(),
                    state.status() + "; report " + report.toAbsolutePath(),
                    state.rows(),
                    state.series());
            List<PolicySummary> reported = PolicySummary.of(data);

            ReportData reread = ReportData.fromKafka(bootstrap, prefix, Duration.ofSeconds(60));
            List<PolicySummary> committed = PolicySummary.of(reread);
            List<String> differences = new ArrayList<>();
            if (committed.size() != reported.size()) {
                differences.add("rows: report " + reported.size() + ", committed " + committed.size());
            }
            for (int i = 0; i < Math.min(committed.size(), reported.size()); i++) {
                String difference = difference(reported.get(i), committed.get(i));
                if (difference != null) {
                    differences.add(difference);
                }
            }
            if (reported.isEmpty()) {
                terminal.println("the report is empty: the jobs committed no metrics before the stop");
            }
            if (!withoutGenerationTime(Files.readString(report))
                    .equals(withoutGenerationTime(HtmlReport.render(reread, options)))) {
                differences.add(report + " is not the report that the re-read records make");
            }
            if (!differences.isEmpty()) {
                terminal.println("check FAILED: the report differs from the metrics the jobs committed:");
                differences.forEach(d -> terminal.println("  " + d));
                return 1;
            }
            terminal.printf(
                    "check ok: the report's numbers for all %d policy rows (%,d step metrics, %,d window "
                            + "metrics) equal the committed ones, re-read with an independent read_committed "
                            + "consumer%n",
                    reported.size(),
                    reread.stepMetrics().size(),
                    reread.windowMetrics().size());
            return expectBfioGain ? checkBfioGain(reported) : 0;
        }

        /** The report's HTML without the one thing two renderings of the same records differ in. */
        private static String withoutGenerationTime(String html) {
            return GENERATED.matcher(html).replaceFirst("\"generated\":\"\"");
        }

        /** What differs between the report's row and the re-read one, or null. */
        private static String difference(PolicySummary report, PolicySummary committed) {
            boolean same = report.cluster().equals(committed.cluster())
                    && report.policy().equals(committed.policy())
                    && report.source().equals(committed.source())
                    && report.steps() == committed.steps()
                    && report.tokens() == committed.tokens()
                    && Double.compare(report.avgIdleFraction(), committed.avgIdleFraction()) == 0
                    && Double.compare(report.avgImbalance(), committed.avgImbalance()) == 0
                    && Double.compare(report.energyJoules(), committed.energyJoules()) == 0;
            return same
                    ? null
                    : String.format(
                            Locale.ROOT,
                            "%s/%s: report %d steps, idle %s, imbalance %s, %s J; "
                                    + "committed %d steps, idle %s, imbalance %s, %s J",
                            report.cluster(),
                            report.policy(),
                            report.steps(),
                            report.avgIdleFraction(),
                            report.avgImbalance(),
                            report.energyJoules(),
                            committed.steps(),
                            committed.avgIdleFraction(),
                            committed.avgImbalance(),
                            committed.energyJoules());
        }

        private int checkBfioGain(List<PolicySummary> rows) {
            String vllm = label("vllm");
            String oracle = label("bfio:lookahead=oracle");
            String hazard = label("bfio:lookahead=hazard");
            int exit = 0;
            for (String cluster :
                    rows.stream().map(PolicySummary::cluster).distinct().toList()) {
                Double v = idle(rows, cluster, vllm);
                Double o = idle(rows, cluster, oracle);
                Double h = idle(rows, cluster, hazard);
                if (v == null || o == null || h == null) {
                    terminal.printf(
                            "expect-bfio-gain FAILED in %s: needs rows %s, %s and %s%n", cluster, vllm, oracle, hazard);
                    exit = 1;
                    continue;
                }
                boolean ok = o <= 0.5 * v && h < v;
                terminal.printf(
                        Locale.ROOT,
                        "expect-bfio-gain %s in %s (report's idle fractions): vllm %.4f, %s "
                                + "%.4f (%.2f x vllm, needs <= 0.5), %s %.4f (needs < vllm)%n",
                        ok ? "ok" : "FAILED",
                        cluster,
                        v,
                        oracle,
                        o,
                        o / v,
                        hazard,
                        h);
                exit = ok ? exit : 1;
            }
            return exit;
        }

        private void printCpu(long brokerPid) {
            double wall = (System.currentTimeMillis() - commandStart) / 1e3;
            double demoCpu = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                            .getProcessCpuTime()
                    / 1e9;
            double brokerCpu = brokerPid > 0 ? BrokerCpu.seconds(brokerPid) : Double.NaN;
            terminal.printf(
                    Locale.ROOT,
                    "CPU: demo JVM (generators, Flink, page) %.1f s, Kafka broker %.1f s, over "
                            + "%.1f s since the command (%.2f cores on average)%n",
                    demoCpu,
                    brokerCpu,
                    wall,
                    (demoCpu + (Double.isNaN(brokerCpu) ? 0 : brokerCpu)) / wall);
        }

        private long brokerPid() {
            try {
                return Long.parseLong(Files.readString(dir.resolve("kafka").resolve("kafka.pid"))
                        .strip());
            } catch (IOException | NumberFormatException e) {
                return -1;
            }
        }
    }

    private static Double idle(List<PolicySummary> rows, String cluster, String label) {
        return rows.stream()
                .filter(r -> r.cluster().equals(cluster) && r.policy().equals(label))
                .map(PolicySummary::avgIdleFraction)
                .findFirst()
                .orElse(null);
    }

    /** The label the shadow job gives a policy text (its full name, as `simulate` prints it). */
    private static String label(String policyText) {
        return PolicyFactory.create(PolicySpec.parse(policyText), "oracle", 1)
                .policy()
                .name();
    }

    private String title() {
        return "dpbalance demo: idle time of barrier-synchronized DP decoding, production beside BF-IO and the "
                + "baselines";
    }

    /** A progress line; on a terminal it goes above the live table, which is drawn again below it. */
    private void progress(PrintStream terminal, String line) {
        String table = liveTable;
        clearTable(terminal);
        terminal.printf(Locale.ROOT, "[%5.1f s] %s%n", (System.currentTimeMillis() - commandStart) / 1e3, line);
        if (table != null) {
            terminal.print(table);
            liveTable = table;
        }
        terminal.flush();
    }

    /**
     * Erases the live table (ANSI: up to the first line of the table, clear to the end of the screen), so that it is
     * redrawn in place; counting lines instead of saving the cursor survives the screen scrolling.
     */
    private void clearTable(PrintStream terminal) {
        if (ansi && liveTable != null) {
            terminal.print("\033[" + liveTable.lines().count() + "F\033[J");
        }
        liveTable = null;
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private List<String> policyTexts() {
        List<String> texts = new ArrayList<>();
        try {
            PolicySpec.parseList(policies).forEach(spec -> texts.add(spec.text()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--policies " + policies + ": " + e.getMessage(), e);
        }
        return texts;
    }

    private Workload readWorkload() {
        if (!Files.isRegularFile(workload)) {
            throw new IllegalArgumentException("--workload " + workload + ": no such file"
                    + (workload.equals(DEFAULT_WORKLOAD) ? " (run from the project root, where data/ is)" : ""));
        }
        if (!(timeScale > 0)) {
            throw new IllegalArgumentException("--time-scale must be > 0, not " + timeScale);
        }
        if (limit != null && limit < 1) {
            throw new IllegalArgumentException("--limit must be at least 1, not " + limit);
        }
        ReadOptions options = ReadOptions.defaults().withTimeScale(timeScale);
        if (limit != null) {
            options = options.withLimit(limit);
        }
        return WorkloadReader.read(workload, WorkloadFormat.AUTO, options);
    }

    private DecodeLogSettings productionSettings() {
        if (ranks < 1 || batch < 1) {
            throw new IllegalArgumentException(
                    "--ranks and --batch must be at least 1, not " + ranks + " and " + batch);
        }
        if (clusters < 1) {
            throw new IllegalArgumentException("--clusters must be at least 1, not " + clusters);
        }
        PolicySpec policy;
        try {
            policy = PolicySpec.parse(productionPolicy);
            PolicyFactory.create(policy, "hazard", 1);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--production-policy " + productionPolicy + ": " + e.getMessage(), e);
        }
        Granularity granularity;
        try {
            granularity = Granularity.parse(decodeLog);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "--decode-log: expected rank, token or both, got '" + decodeLog + "'", e);
        }
        ClusterConfig cluster = new ClusterConfig(ranks, batch, CostModel.reference(batch), PowerProfile.REFERENCE);
        return new DecodeLogSettings(cluster, policy, "hazard", granularity, 0, 1);
    }
}
