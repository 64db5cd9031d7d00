package io.dpbalance.bench;

import io.dpbalance.datagen.generate.DecodeLog;
import io.dpbalance.datagen.generate.DecodeLogSettings;
import io.dpbalance.datagen.generate.Generation;
import io.dpbalance.datagen.generate.GenerationResult;
import io.dpbalance.datagen.generate.Granularity;
import io.dpbalance.datagen.sink.FileRecordSink;
import io.dpbalance.engine.metrics.Percentiles;
import io.dpbalance.engine.policy.PolicySpec;
import io.dpbalance.engine.sim.ClusterConfig;
import io.dpbalance.engine.trace.ReadOptions;
import io.dpbalance.engine.trace.ShippedTrace;
import io.dpbalance.engine.trace.Workload;
import io.dpbalance.engine.trace.WorkloadFormat;
import io.dpbalance.engine.trace.WorkloadReader;
import io.dpbalance.jobs.analytics.TraceAnalyticsJob;
import io.dpbalance.jobs.common.JobEnvironment;
import io.dpbalance.schemas.RankStep;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The batch trace analytics job ({@code bin/dpbalance analytics --input-files}) beside a plain Avro decode of the same
 * rank-step container files, in one JVM, interleaved, so that both see the same machine (docs/measurements.md, "Job
 * throughput (issue 12)").
 *
 * <ul>
 *   <li><b>decode</b>: one thread reads {@code <dir>/dp.rank-steps.avro} with Avro's {@link DataFileStream} and a
 *       {@link SpecificDatumReader} of {@link RankStep}, the reader the job's file source uses, and sums a field of
 *       every record (so that the decode is not optimized away);</li>
 *   <li><b>job</b>: the job exactly as {@code bin/dpbalance analytics --input-files DIR --output-files OUT --inputs
 *       rank-steps} builds it from its flags (batch mode), submitted to a MiniCluster with the embedded run's
 *       settings ({@link JobEnvironment#embeddedBatchCluster}) started once beforehand (its start-up is printed apart
 *       and not counted); its time runs from the submission to its result, deploying its
 *       tasks and writing its JSON-lines output included. Every run's StepMetrics are read back and checked: one per
 *       step of the input, their tokens adding up to the rank-steps' running requests, and the same SHA-256 (of
 *       the sorted lines) in every run.</li>
 * </ul>
 * Wall time and CPU time (this JVM, every thread: the MiniCluster's, JIT and GC included) per rank-step are printed
 * per run; the medians of the measured runs and the ratio decode time / job time (1 = the job as fast as the decode).
 *
 * <p>Without {@code --input-files} it first writes the files with the datagen's decode log (the engine simulating a
 * production cluster, RankSteps only) into a temporary directory, deleted at the end.
 */
@Command(
        name = "batch-analytics",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Rank-steps per second through the batch trace analytics job (Avro files in, JSON lines out, "
                + "MiniCluster) beside a plain Avro decode of the same files; medians of --runs interleaved runs, CPU "
                + "per rank-step and the ratio.")
public final class BatchAnalyticsThroughput implements Callable<Integer> {

    private static final String RANK_STEPS_FILE = "dp.rank-steps.avro";
    private static final Pattern TOKENS = Pattern.compile("\"tokens\":(\\d+)");

    @Option(
            names = "--input-files",
            paramLabel = "DIR",
            description = "Take <DIR>/dp.rank-steps.avro (e.g. of `bin/dpbalance datagen decode-log --granularity "
                    + "rank --out DIR` or `ingest ... --out DIR`) instead of generating it.")
    Path inputFiles;

    @Option(
            names = "--workload",
            paramLabel = "FILE",
            defaultValue = ShippedTrace.RELATIVE_PATH,
            description = "Trace the generated decode log simulates. Default ${DEFAULT-VALUE} (relative to the "
                    + "project root).")
    Path workload;

    @Option(
            names = "--limit",
            paramLabel = "N",
            defaultValue = "9000",
            description = "Requests of the trace to use (0: all). Default ${DEFAULT-VALUE}: with the other defaults "
                    + "about 1 M rank-steps (8 ranks of one cluster, ~130 k steps).")
    long limit;

    @Option(
            names = "--time-scale",
            paramLabel = "X",
            defaultValue = "0.25",
            description = "Inter-arrival time factor of the generated log. Default ${DEFAULT-VALUE}.")
    double timeScale;

    @Option(names = "--clusters", paramLabel = "N", defaultValue = "1", description = "Default ${DEFAULT-VALUE}.")
    int clusters;

    @Option(names = "--ranks", paramLabel = "G", defaultValue = "8", description = "Default ${DEFAULT-VALUE}.")
    int ranks;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "16", description = "Default ${DEFAULT-VALUE}.")
    int batch;

    @Option(
            names = "--policy",
            paramLabel = "POLICY",
            defaultValue = "vllm",
            description = "Production placement policy of the generated log. Default ${DEFAULT-VALUE}.")
    String policy;

    @Option(
            names = "--parallelism",
            paramLabel = "N",
            defaultValue = "2",
            description = "The job's parallelism (and the MiniCluster's slots). Default ${DEFAULT-VALUE}.")
    int parallelism;

    @Option(
            names = "--runs",
            paramLabel = "N",
            defaultValue = "5",
            description = "Measured runs of each; the medians are reported. Default ${DEFAULT-VALUE}.")
    int runs;

    @Option(
            names = "--warmup",
            paramLabel = "N",
            defaultValue = "1",
            description = "Runs of each before the measured ones, for the JIT (printed, not counted). Default "
                    + "${DEFAULT-VALUE}.")
    int warmup;

    @Option(
            names = "--skip",
            paramLabel = "decode|job",
            description = "Measure only the other one (e.g. to profile the job alone); no ratio then.")
    String skip;

    @Option(
            names = "--flink-conf",
            paramLabel = "KEY=VALUE",
            description = "A setting of the MiniCluster (repeatable), e.g. `--flink-conf "
                    + "taskmanager.network.compression.codec=NONE`: to try cluster settings on the same files.")
    List<String> flinkConf = new ArrayList<>();

    @Option(
            names = "--job-arg",
            paramLabel = "FLAG",
            description = "A flag of `bin/dpbalance analytics` for the job (repeatable: `--job-arg=--window "
                    + "--job-arg=30s`); it wins over the harness's own.")
    List<String> jobArgs = new ArrayList<>();

    public static void main(String[] args) {
        System.exit(new CommandLine(new BatchAnalyticsThroughput()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (skip != null && !skip.equals("decode") && !skip.equals("job")) {
            throw new CommandLine.ParameterException(
                    new CommandLine(this), "--skip: expected decode or job, got '" + skip + "'");
        }
        Path scratch = Files.createTempDirectory("batch-analytics-throughput");
        try {
            Path input = inputFiles != null ? inputFiles : generate(scratch.resolve("input"));
            Path file = input.resolve(RANK_STEPS_FILE);
            if (!Files.isRegularFile(file)) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--input-files: no " + file);
            }
            return measure(input, file, scratch);
        } finally {
            deleteTree(scratch);
        }
    }

    /** Writes the decode log's rank-steps (and its requests) as the datagen's files; returns their directory. */
    private Path generate(Path dir) throws IOException {
        Workload trace = WorkloadReader.read(
                ShippedTrace.resolve(workload),
                WorkloadFormat.AUTO,
                ReadOptions.defaults().withTimeScale(timeScale).withLimit(limit > 0 ? limit : ReadOptions.UNLIMITED));
        List<String> ids =
                IntStream.range(0, clusters).mapToObj(i -> "cluster-" + i).toList();
        DecodeLog generator = new DecodeLog(
                trace,
                ids,
                new DecodeLogSettings(
                        ClusterConfig.reference(ranks, batch),
                        PolicySpec.parse(policy),
                        "hazard",
                        Granularity.RANK,
                        0,
                        1),
                Instant.parse("2026-01-01T00:00:00Z"));
        GenerationResult result = new Generation(
                        "generate",
                        generator,
                        new FileRecordSink(dir, "", generator.topics()),
                        false,
                        new PrintWriter(Writer.nullWriter()))
                .run(false);
        System.out.printf(
                Locale.ROOT,
                "%s%ngenerated %s: %,d rank-steps (%.1f s)%n",
                generator.description(),
                dir.resolve(RANK_STEPS_FILE),
                result.records("dp.rank-steps"),
                result.seconds());
        return dir;
    }

    private int measure(Path input, Path file, Path scratch) throws Exception {
        Reference reference = reference(file);
        long rankSteps = reference.rankSteps;
        System.out.printf(
                Locale.ROOT,
                "%s: %,d rank-steps of %,d steps, %,d bytes%n",
                file,
                rankSteps,
                reference.steps,
                Files.size(file));
        // The MiniCluster of `analytics --input-files` (an embedded run), with the --flink-conf settings on top.
        Configuration flink = JobEnvironment.embeddedBatchCluster();
        for (String setting : flinkConf) {
            int eq = setting.indexOf('=');
            if (eq <= 0) {
                throw new CommandLine.ParameterException(
                        new CommandLine(this), "--flink-conf: expected KEY=VALUE, got '" + setting + "'");
            }
            flink.setString(setting.substring(0, eq), setting.substring(eq + 1));
        }
        long started = System.nanoTime();
        int failures = 0;
        try (MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(flink)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(parallelism)
                .build())) {
            cluster.start();
            System.out.printf(
                    Locale.ROOT,
                    "MiniCluster (1 TaskManager, %d slots) started in %.2f s (not counted)%n",
                    parallelism,
                    (System.nanoTime() - started) / 1e9);
            System.out.printf(
                    Locale.ROOT, "job flags: %s%n", String.join(" ", jobFlags(input, scratch.resolve("runN"))));
            double[] decodeSeconds = new double[runs];
            double[] jobSeconds = new double[runs];
            double[] decodeMicros = new double[runs];
            double[] jobMicros = new double[runs];
            Set<String> digests = new HashSet<>();
            for (int i = -warmup; i < runs; i++) {
                String label = i < 0 ? "warm-up" : "run " + (i + 1);
                int index = i;
                boolean decodeFirst = (i & 1) == 0;
                for (int k = 0; k < 2; k++) {
                    boolean decode = (k == 0) == decodeFirst;
                    if (decode && !"decode".equals(skip)) {
                        Measured m = decode(file, reference);
                        m.print("decode", label, rankSteps);
                        if (index >= 0) {
                            decodeSeconds[index] = m.seconds;
                            decodeMicros[index] = m.cpuMicrosPer(rankSteps);
                        }
                    } else if (!decode && !"job".equals(skip)) {
                        Path out = scratch.resolve("run" + (index + warmup + 1));
                        Measured m = runJob(cluster, input, out, reference);
                        m.print("job", label, rankSteps);
                        if (m.wrong) {
                            failures++;
                        }
                        digests.add(m.digest);
                        deleteTree(out);
                        if (index >= 0) {
                            jobSeconds[index] = m.seconds;
                            jobMicros[index] = m.cpuMicrosPer(rankSteps);
                        }
                    }
                }
            }
            System.out.println();
            System.out.printf(
                    Locale.ROOT,
                    "%,d rank-steps (%,d steps), medians of %d interleaved runs (job at " + "parallelism %d):%n",
                    rankSteps,
                    reference.steps,
                    runs,
                    parallelism);
            if (!"decode".equals(skip)) {
                System.out.printf(
                        Locale.ROOT,
                        "  plain Avro decode %8.3f s = %,12.0f rank-steps/s; CPU %.3f us per " + "rank-step%n",
                        median(decodeSeconds),
                        rankSteps / median(decodeSeconds),
                        median(decodeMicros));
            }
            if (!"job".equals(skip)) {
                System.out.printf(
                        Locale.ROOT,
                        "  batch job         %8.3f s = %,12.0f rank-steps/s; CPU %.3f us per " + "rank-step%n",
                        median(jobSeconds),
                        rankSteps / median(jobSeconds),
                        median(jobMicros));
            }
            if (skip == null) {
                System.out.printf(
                        Locale.ROOT,
                        "  job / decode: %.3fx by wall time, %.3fx by CPU per rank-step "
                                + "(1 = as fast as the decode)%n",
                        median(decodeSeconds) / median(jobSeconds),
                        median(decodeMicros) / median(jobMicros));
            }
            if (!"decode".equals(skip)) {
                System.out.printf(Locale.ROOT, "  runs: decode %s%n", seconds(decodeSeconds));
            }
            if (!"job".equals(skip)) {
                System.out.printf(Locale.ROOT, "        job    %s%n", seconds(jobSeconds));
                System.out.printf(
                        Locale.ROOT, "  step metrics SHA-256 (sorted lines): %s%n", String.join(", ", digests));
                if (digests.size() > 1) {
                    System.out.println("  THE RUNS WROTE DIFFERENT STEP METRICS");
                    failures++;
                }
            }
        }
        if (failures > 0) {
            System.out.printf(Locale.ROOT, "%d job run(s) wrote wrong output (OUTPUT WRONG above)%n", failures);
            return 1;
        }
        return 0;
    }

    /** What the job's output must add up to: counted once, before the measured runs, not timed. */
    private record Reference(long rankSteps, long steps, long running) {}

    private static Reference reference(Path file) throws IOException {
        long rankSteps = 0;
        long running = 0;
        Set<String> steps = new HashSet<>();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
                DataFileStream<RankStep> records =
                        new DataFileStream<>(in, new SpecificDatumReader<>(RankStep.class))) {
            for (RankStep r : records) {
                rankSteps++;
                running += r.getRunning();
                steps.add(r.getClusterId() + "/" + r.getStep());
            }
        }
        return new Reference(rankSteps, steps.size(), running);
    }

    /** The plain decode: every record of the file through Avro's reader, one thread. */
    private static Measured decode(Path file, Reference reference) throws IOException {
        Measured m = Measured.start();
        long records = 0;
        long kvTokens = 0;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
                DataFileStream<RankStep> stream = new DataFileStream<>(in, new SpecificDatumReader<>(RankStep.class))) {
            while (stream.hasNext()) {
                RankStep r = stream.next();
                records++;
                kvTokens += r.getKvTokens();
            }
        }
        m.stop();
        if (records != reference.rankSteps) {
            throw new IllegalStateException(
                    "the decode read " + records + " rank-steps, the file holds " + reference.rankSteps);
        }
        m.detail = "sum of kv_tokens " + kvTokens;
        return m;
    }

    private List<String> jobFlags(Path input, Path out) {
        List<String> flags = new ArrayList<>(List.of(
                "--input-files",
                input.toString(),
                "--output-files",
                out.toString(),
                "--inputs",
                "rank-steps",
                "--parallelism",
                Integer.toString(parallelism)));
        flags.addAll(jobArgs);
        return flags;
    }

    private Measured runJob(MiniCluster cluster, Path input, Path out, Reference reference) throws Exception {
        TraceAnalyticsJob job = new TraceAnalyticsJob();
        new CommandLine(job)
                .setOverwrittenOptionsAllowed(true)
                .parseArgs(jobFlags(input, out).toArray(new String[0]));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        job.define(env);
        StreamGraph graph = env.getStreamGraph();
        graph.setJobName("batch analytics throughput");
        JobGraph jobGraph = graph.getJobGraph(getClass().getClassLoader());

        Measured m = Measured.start();
        cluster.submitJob(jobGraph).get();
        JobResult result = cluster.requestJobResult(jobGraph.getJobID()).get();
        m.stop();
        result.toJobExecutionResult(getClass().getClassLoader());
        check(m, out.resolve("dp.step-metrics"), reference);
        m.detail = String.format(Locale.ROOT, "Flink net runtime %.2f s; %s", result.getNetRuntime() / 1e3, m.detail);
        return m;
    }

    /** Reads the run's StepMetrics back: one per step, tokens adding up to the running requests; their digest. */
    private static void check(Measured m, Path dir, Reference reference) throws Exception {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile)
                    .filter(f -> f.toString().endsWith(".jsonl"))
                    .toList()) {
                lines.addAll(Files.readAllLines(f, StandardCharsets.UTF_8));
            }
        }
        long tokens = 0;
        for (String line : lines) {
            Matcher t = TOKENS.matcher(line);
            if (t.find()) {
                tokens += Long.parseLong(t.group(1));
            }
        }
        lines.sort(Comparator.naturalOrder());
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (String line : lines) {
            sha.update(line.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) '\n');
        }
        m.digest = HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        m.wrong = lines.size() != reference.steps || tokens != reference.running;
        m.detail = String.format(
                Locale.ROOT,
                "%s%,d step metrics of %,d tokens, SHA-256 %s",
                m.wrong
                        ? "OUTPUT WRONG (expected " + reference.steps + " steps of " + reference.running + " tokens): "
                        : "",
                lines.size(),
                tokens,
                m.digest);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static double median(double[] values) {
        return Percentiles.of(values, values.length, 50);
    }

    private static String seconds(double[] values) {
        StringBuilder b = new StringBuilder();
        for (double v : values) {
            b.append(String.format(Locale.ROOT, "%9.3f", v));
        }
        return b.append(" s").toString();
    }

    /** Wall and CPU time of one measured run. */
    private static final class Measured {
        private final long startNanos;
        private final double startCpu;
        double seconds;
        double cpu;
        String detail = "";
        String digest = "";
        boolean wrong;

        private Measured() {
            this.startCpu = processCpuSeconds();
            this.startNanos = System.nanoTime();
        }

        static Measured start() {
            return new Measured();
        }

        void stop() {
            seconds = (System.nanoTime() - startNanos) / 1e9;
            cpu = processCpuSeconds() - startCpu;
        }

        double cpuMicrosPer(long records) {
            return cpu * 1e6 / records;
        }

        void print(String what, String label, long records) {
            System.out.printf(
                    Locale.ROOT,
                    "%-6s %-7s: %7.3f s = %,12.0f rank-steps/s; CPU %.2f s = %.3f us per " + "rank-step; %s%n",
                    what,
                    label,
                    seconds,
                    records / seconds,
                    cpu,
                    cpuMicrosPer(records),
                    detail);
        }

        /** CPU time of this JVM, every thread (the MiniCluster's, JIT, GC). */
        private static double processCpuSeconds() {
            return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                            .getProcessCpuTime()
                    / 1e9;
        }
    }
}
