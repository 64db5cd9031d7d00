package io.dpbalance.bench;

import io.dpbalance.datagen.generate.DecodeLog;
import io.dpbalance.datagen.generate.DecodeLogSettings;
import io.dpbalance.datagen.generate.Generation;
import io.dpbalance.datagen.generate.GenerationResult;
import io.dpbalance.datagen.generate.Granularity;
import io.dpbalance.datagen.kafka.KafkaOptions;
import io.dpbalance.datagen.kafka.KafkaRecordSink;
import io.dpbalance.engine.metrics.Percentiles;
import io.dpbalance.engine.policy.PolicySpec;
import io.dpbalance.engine.sim.ClusterConfig;
import io.dpbalance.engine.trace.ReadOptions;
import io.dpbalance.engine.trace.ShippedTrace;
import io.dpbalance.engine.trace.Workload;
import io.dpbalance.engine.trace.WorkloadFormat;
import io.dpbalance.engine.trace.WorkloadReader;
import io.dpbalance.jobs.analytics.TraceAnalyticsJob;
import io.dpbalance.schemas.Codecs;
import io.dpbalance.schemas.DecodeResult;
import io.dpbalance.schemas.StepMetrics;
import io.dpbalance.schemas.TokenEvent;
import io.dpbalance.schemas.WindowMetrics;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.checkpoint.CheckpointStatsCounts;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * End-to-end throughput of the trace analytics job: token events per second through the job (Kafka in, Kafka out,
 * parallelism 2 on an embedded MiniCluster) beside a plain {@link KafkaConsumer} reading and Avro-decoding the same
 * topic, in the same run, alternating, so that both see the same machine.
 *
 * <p>The broker is a separate process (e.g. {@code bin/dpbalance kafka start --port 29092 ...}), as in production:
 * its CPU is not this JVM's. The harness fills a fresh topic with {@code datagen decode-log}'s token events (the engine
 * simulating production clusters), then measures in turn:
 * <ul>
 *   <li><b>consumer</b>: one {@code KafkaConsumer} (one thread, {@code read_committed}, default fetch settings) reads
 *       every partition from the start to the end offsets and decodes each value with the schemas codec, the codec the
 *       job's source uses;</li>
 *   <li><b>job</b>: the job exactly as {@code bin/dpbalance analytics --bounded --delivery-guarantee exactly-once}
 *       builds it from its flags (its defaults otherwise: 10 s checkpoints), on a MiniCluster started once beforehand
 *       (its start-up is printed apart and not counted), reading the same topic from the earliest offsets and writing
 *       StepMetrics, WindowMetrics and dead letters to topics of its own run. Its time runs from the job's submission,
 *       deploying its tasks included, to <em>its last output</em> (the broker's append time of the last record it
 *       wrote: all input processed, all output written), and to <em>its end</em> (its result; a bounded job with
 *       exactly-once sinks ends with a checkpoint that commits the output, which waits for the next periodic one: up
 *       to a checkpoint interval more). Each run's output is read back and checked: the StepMetrics' tokens add up to
 *       the topic's token events, none late, and no record was a dead letter.</li>
 * </ul>
 * Every rate is token events divided by wall time; CPU time per event (this JVM, and the broker's when its pid is
 * given) is printed beside it, since on a shared machine it is the steadier figure.
 *
 * <pre>
 * bin/dpbalance kafka start --port 29092 --controller-port 29093 --dir /tmp/dpbalance-bench-kafka
 * bin/dpbalance bench analytics-throughput --bootstrap 127.0.0.1:29092 \
 *     --broker-pid $(cat /tmp/dpbalance-bench-kafka/kafka.pid)
 * bin/dpbalance kafka stop --dir /tmp/dpbalance-bench-kafka
 * </pre>
 */
@Command(
        name = "analytics-throughput",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Token events per second through the trace analytics job (Kafka in and out, MiniCluster) beside "
                + "a plain Kafka consumer decoding the same topic; medians of --runs alternating runs and their ratio.")
public final class AnalyticsThroughput implements java.util.concurrent.Callable<Integer> {

    private static final String TOKEN_EVENTS = "dp.token-events";
    private static final List<String> OUTPUTS = List.of("dp.step-metrics", "dp.window-metrics", "dp.dead-letter");

    @Option(
            names = "--bootstrap",
            paramLabel = "HOST:PORT",
            required = true,
            description = "The broker, e.g. the local one of `bin/dpbalance kafka start --port 29092`.")
    String bootstrap;

    @Option(
            names = "--broker-pid",
            paramLabel = "PID",
            description = "The broker's process id (<dir>/kafka.pid): its CPU time per run is printed too.")
    Long brokerPid;

    @Option(
            names = "--workload",
            paramLabel = "FILE",
            defaultValue = ShippedTrace.RELATIVE_PATH,
            description = "Trace the decode log simulates. Default ${DEFAULT-VALUE}, the Azure trace shipped with "
                    + "the project (relative to the project root).")
    Path workload;

    @Option(
            names = "--limit",
            paramLabel = "N",
            defaultValue = "6000",
            description = "Requests of the trace to use (0: all). Default ${DEFAULT-VALUE}: with the other defaults "
                    + "1.52 M token events per cluster.")
    long limit;

    @Option(
            names = "--time-scale",
            paramLabel = "X",
            defaultValue = "0.01",
            description = "Inter-arrival time factor; the default keeps a 32 x 72 cluster busy (~950 running requests "
                    + "per step), as DecodeLogThroughput does. Default ${DEFAULT-VALUE}.")
    double timeScale;

    @Option(
            names = "--clusters",
            paramLabel = "N",
            defaultValue = "2",
            description = "Simulated clusters (datagen --clusters). Default ${DEFAULT-VALUE}.")
    int clusters;

    @Option(names = "--ranks", paramLabel = "G", defaultValue = "32", description = "Default ${DEFAULT-VALUE}.")
    int ranks;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "72", description = "Default ${DEFAULT-VALUE}.")
    int batch;

    @Option(
            names = "--policy",
            paramLabel = "POLICY",
            defaultValue = "vllm",
            description = "Production placement policy. Default ${DEFAULT-VALUE}.")
    String policy;

    @Option(
            names = "--partitions",
            paramLabel = "N",
            defaultValue = "4",
            description = "Partitions of the token-event topic. Default ${DEFAULT-VALUE}.")
    int partitions;

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
            defaultValue = "2",
            description = "Runs of each before the measured ones, for the JIT (printed, not counted): the job's "
                    + "second run is still ~30% slower than its later ones. Default ${DEFAULT-VALUE}.")
    int warmup;

    @Option(
            names = "--skip",
            paramLabel = "consumer|job",
            description = "Measure only the other one (e.g. to profile the job alone); no ratio then.")
    String skip;

    @Option(
            names = "--job-arg",
            paramLabel = "FLAG",
            description = "A flag of `bin/dpbalance analytics` for the job (repeatable: "
                    + "`--job-arg=--checkpoint-interval --job-arg=1s`); it wins over the harness's own, "
                    + "--delivery-guarantee exactly-once.")
    List<String> jobArgs = new ArrayList<>();

    @Option(
            names = "--checkpoint-storage",
            paramLabel = "filesystem|jobmanager",
            defaultValue = "filesystem",
            description = "The MiniCluster's checkpoint storage, as a cluster's config.yaml sets it: filesystem (a "
                    + "temporary directory, deleted at the end) or jobmanager (Flink's default when nothing is "
                    + "configured: the JobManager's heap, at most 5 MB of state per operator; a larger checkpoint "
                    + "fails, and the job restarts from its last one). Default ${DEFAULT-VALUE}.")
    String checkpointStorage;

    @Option(names = "--keep-topics", description = "Leave the run's topics on the broker (default: deleted).")
    boolean keepTopics;

    /** Job runs whose output failed its check. */
    private int wrongOutputs;

    public static void main(String[] args) {
        System.exit(new CommandLine(new AnalyticsThroughput()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (skip != null && !skip.equals("consumer") && !skip.equals("job")) {
            throw new CommandLine.ParameterException(
                    new CommandLine(this), "--skip: expected consumer or job, got '" + skip + "'");
        }
        String prefix = "tput-" + System.currentTimeMillis() + ".";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(
                            new NewTopic(prefix + "dp.requests", partitions, (short) 1),
                            new NewTopic(prefix + TOKEN_EVENTS, partitions, (short) 1)))
                    .all()
                    .get();
            try {
                return measure(admin, prefix);
            } finally {
                if (!keepTopics) {
                    List<String> topics =
                            new ArrayList<>(admin.listTopics().names().get());
                    topics.removeIf(t -> !t.startsWith(prefix));
                    admin.deleteTopics(topics).all().get();
                }
            }
        }
    }

    private int measure(Admin admin, String prefix) throws Exception {
        long tokens = fill(prefix);
        String topic = prefix + TOKEN_EVENTS;
        Configuration flink = new Configuration();
        Path checkpoints = Files.createTempDirectory("analytics-throughput-checkpoints");
        switch (checkpointStorage) {
            case "filesystem" ->
                flink.set(
                        CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                        checkpoints.toUri().toString());
            case "jobmanager" -> flink.set(CheckpointingOptions.CHECKPOINT_STORAGE, "jobmanager");
            default ->
                throw new IllegalArgumentException("--checkpoint-storage: expected filesystem or jobmanager, " + "got '"
                        + checkpointStorage + "'");
        }
        long started = System.nanoTime();
        try (MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(flink)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(parallelism)
                .build())) {
            cluster.start();
            System.out.printf(
                    Locale.ROOT,
                    "MiniCluster (1 TaskManager, %d slots, %s checkpoint storage) started in "
                            + "%.2f s (not counted)%n",
                    parallelism,
                    checkpointStorage,
                    (System.nanoTime() - started) / 1e9);
            System.out.printf(Locale.ROOT, "job flags: %s%n", String.join(" ", jobFlags(prefix, "runN.")));
            double[] consumerRates = new double[runs];
            double[] jobRates = new double[runs];
            double[] jobOutputRates = new double[runs];
            double[] consumerMicros = new double[runs];
            double[] jobMicros = new double[runs];
            for (int i = -warmup; i < runs; i++) {
                String label = i < 0 ? "warm-up" : "run " + (i + 1);
                int index = i;
                Runnable consumer = () -> {
                    Measured m = consume(topic, tokens);
                    m.print("consumer", label, tokens);
                    if (index >= 0) {
                        consumerRates[index] = m.rate(tokens);
                        consumerMicros[index] = m.cpuMicrosPerEvent(tokens);
                    }
                };
                Runnable job = () -> {
                    Measured m = runJob(cluster, admin, prefix, "run" + (index + warmup + 1) + ".", tokens);
                    m.print("job", label, tokens);
                    if (index >= 0) {
                        jobRates[index] = m.rate(tokens);
                        jobMicros[index] = m.cpuMicrosPerEvent(tokens);
                        jobOutputRates[index] = tokens / m.outputSeconds;
                    }
                };
                // Alternate which goes first, so that neither always follows the other's garbage or its page cache.
                List<Runnable> order = (i & 1) == 0 ? List.of(consumer, job) : List.of(job, consumer);
                for (Runnable r : order) {
                    if (!(r == consumer && "consumer".equals(skip)) && !(r == job && "job".equals(skip))) {
                        r.run();
                    }
                }
            }
            System.out.println();
            double consumerMedian = median(consumerRates);
            double jobMedian = median(jobRates);
            double jobOutputMedian = median(jobOutputRates);
            System.out.printf(
                    Locale.ROOT,
                    "%,d token events, medians of %d runs (job at parallelism %d):%n",
                    tokens,
                    runs,
                    parallelism);
            String ratio = skip == null ? "   job / consumer = %.2f%n" : "%n";
            System.out.printf(Locale.ROOT, "  consumer                     %,10.0f events/s%n", consumerMedian);
            System.out.printf(
                    Locale.ROOT,
                    "  job, to its last output      %,10.0f events/s" + ratio,
                    jobOutputMedian,
                    jobOutputMedian / consumerMedian);
            System.out.printf(
                    Locale.ROOT,
                    "  job, to its end              %,10.0f events/s" + ratio,
                    jobMedian,
                    jobMedian / consumerMedian);
            System.out.printf(
                    Locale.ROOT,
                    "  CPU per event (this JVM and the broker): consumer %.2f us, job %.2f us%n",
                    median(consumerMicros),
                    median(jobMicros));
            System.out.printf(Locale.ROOT, "  runs: consumer           %s%n", rates(consumerRates));
            System.out.printf(Locale.ROOT, "        job to last output %s%n", rates(jobOutputRates));
            System.out.printf(Locale.ROOT, "        job to end         %s%n", rates(jobRates));
            if (wrongOutputs > 0) {
                System.out.printf(
                        Locale.ROOT,
                        "%d job run(s) of %d wrote wrong output (OUTPUT WRONG above)%n",
                        wrongOutputs,
                        runs + warmup);
                return 1;
            }
        } finally {
            deleteTree(checkpoints);
        }
        return 0;
    }

    /** Writes the decode log's token events (and its requests) to the prefixed topics; returns the token events. */
    private long fill(String prefix) throws IOException {
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
                        Granularity.TOKEN,
                        0,
                        1),
                Instant.parse("2026-01-01T00:00:00Z"));
        KafkaRecordSink sink = KafkaRecordSink.open(KafkaOptions.of(bootstrap), prefix, generator.topics(), Map.of());
        GenerationResult result =
                new Generation("fill", generator, sink, false, new PrintWriter(Writer.nullWriter())).run(false);
        long tokens = result.records(prefix + TOKEN_EVENTS);
        System.out.printf(
                Locale.ROOT,
                "%s%nfilled %s%s: %,d token events in %d partitions (%.1f s)%n",
                generator.description(),
                prefix,
                TOKEN_EVENTS,
                tokens,
                partitions,
                result.seconds());
        return tokens;
    }

    /** Reads the topic from the start to its end offsets, decoding every value; fails unless all decode. */
    private Measured consume(String topic, long expected) {
        Measured m = Measured.start(brokerPid);
        long decoded = 0;
        long contextTokens = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<TopicPartition> open = new ArrayList<>(partitions);
            while (!open.isEmpty()) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (Codecs.TOKEN_EVENT.decode(record.value()) instanceof DecodeResult.Decoded<TokenEvent> d) {
                        decoded++;
                        contextTokens += d.value().getContextTokens();
                    }
                }
                open.removeIf(p -> consumer.position(p) >= end.get(p));
            }
        }
        if (decoded != expected) {
            throw new IllegalStateException(
                    "the consumer decoded " + decoded + " token events, the topic holds " + expected);
        }
        return m.stop("sum of context_tokens " + contextTokens);
    }

    private List<String> jobFlags(String prefix, String run) {
        List<String> flags = new ArrayList<>(List.of(
                "--bootstrap",
                bootstrap,
                "--prefix",
                prefix,
                "--inputs",
                "token-events",
                "--bounded",
                "--starting-offsets",
                "earliest",
                "--parallelism",
                Integer.toString(parallelism),
                "--delivery-guarantee",
                "exactly-once",
                "--group-id",
                prefix + run + "analytics",
                "--transactional-id-prefix",
                prefix + run + "analytics",
                "--step-metrics-topic",
                run + "dp.step-metrics",
                "--window-metrics-topic",
                run + "dp.window-metrics",
                "--dead-letter-topic",
                run + "dp.dead-letter"));
        flags.addAll(jobArgs);
        return flags;
    }

    private Measured runJob(MiniCluster cluster, Admin admin, String prefix, String run, long tokens) {
        try {
            // The broker stamps output records with their append time: the last one tells when the job's output was
            // all written, before the final checkpoint that commits it.
            admin.createTopics(OUTPUTS.stream()
                            .map(t -> new NewTopic(prefix + run + t, partitions, (short) 1)
                                    .configs(Map.of("message.timestamp.type", "LogAppendTime")))
                            .toList())
                    .all()
                    .get();
            TraceAnalyticsJob job = new TraceAnalyticsJob();
            new CommandLine(job)
                    .setOverwrittenOptionsAllowed(true)
                    .parseArgs(jobFlags(prefix, run).toArray(new String[0]));
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            job.define(env);
            StreamGraph graph = env.getStreamGraph();
            graph.setJobName("analytics throughput " + run);
            JobGraph jobGraph = graph.getJobGraph(getClass().getClassLoader());

            Measured m = Measured.start(brokerPid);
            long submitted = System.currentTimeMillis();
            cluster.submitJob(jobGraph).get();
            JobResult result = cluster.requestJobResult(jobGraph.getJobID()).get();
            Measured done =
                    m.stop(String.format(Locale.ROOT, "Flink net runtime %.2f s", result.getNetRuntime() / 1e3));
            AccessExecutionGraph graphRun =
                    cluster.getArchivedExecutionGraph(jobGraph.getJobID()).get();
            result.toJobExecutionResult(getClass().getClassLoader());
            Output output = readOutput(prefix + run);
            done.outputSeconds = (output.lastAppendMillis - submitted) / 1e3;
            done.detail += "; " + failures(graphRun) + "; " + checkOutput(output, prefix + run, tokens);
            return done;
        } catch (Exception e) {
            throw new IllegalStateException("job run " + run + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Checkpoints and restarts of a finished job: a failed checkpoint (with the default tolerance of none) restarts the
     * job from its last completed one, which a rate alone would hide.
     */
    private static String failures(AccessExecutionGraph graph) {
        CheckpointStatsCounts checkpoints = graph.getCheckpointStatsSnapshot().getCounts();
        int restarts = 0;
        for (AccessExecutionVertex vertex : graph.getAllExecutionVertices()) {
            restarts = Math.max(restarts, vertex.getCurrentExecutionAttempt().getAttemptNumber());
        }
        return String.format(
                Locale.ROOT,
                "checkpoints %d completed, %d declined or failed; %d restarts",
                checkpoints.getNumberOfCompletedCheckpoints(),
                checkpoints.getNumberOfFailedCheckpoints(),
                restarts);
    }

    /**
     * Reads the run's committed output back and checks that its steps hold every token event (none late) and that
     * nothing was a dead letter. Wrong output is read again after 10 s, to tell output committed late from output
     * missing, and counted: the harness goes on, and fails at the end.
     */
    private String checkOutput(Output first, String prefix, long tokens) throws InterruptedException {
        if (first.steps.tokens == tokens && first.deadLetters == 0 && first.lateRecords == 0) {
            return String.format(
                    Locale.ROOT,
                    "output %,d steps (tokens add up), %d windows, 0 late, 0 dead letters",
                    first.steps.steps,
                    first.windows);
        }
        wrongOutputs++;
        Thread.sleep(10_000);
        return String.format(
                Locale.ROOT,
                "OUTPUT WRONG for %,d token events: %s; read again 10 s later: %s",
                tokens,
                first,
                readOutput(prefix));
    }

    private Output readOutput(String prefix) {
        Output out = new Output();
        readAll(prefix + "dp.step-metrics", record -> {
            out.steps.add(decoded(Codecs.STEP_METRICS.decode(record.value())));
            out.lastAppendMillis = Math.max(out.lastAppendMillis, record.timestamp());
        });
        readAll(prefix + "dp.window-metrics", record -> {
            WindowMetrics w = decoded(Codecs.WINDOW_METRICS.decode(record.value()));
            out.windows++;
            out.windowSteps += w.getSteps();
            out.lateRecords += w.getLateRecords();
            out.lastAppendMillis = Math.max(out.lastAppendMillis, record.timestamp());
        });
        readAll(prefix + "dp.dead-letter", record -> out.deadLetters++);
        return out;
    }

    /** What one job run wrote. */
    private static final class Output {
        final StepCounts steps = new StepCounts();
        long windows;
        long windowSteps;
        long lateRecords;
        long deadLetters;
        /** Broker append time of the last output record, epoch milliseconds. */
        long lastAppendMillis;

        @Override
        public String toString() {
            return String.format(
                    Locale.ROOT,
                    "%s; %d windows of %d steps, %d late records; %d dead letters",
                    steps,
                    windows,
                    windowSteps,
                    lateRecords,
                    deadLetters);
        }
    }

    /** Step metrics per cluster: how many, their step range, their tokens. */
    private static final class StepCounts {
        final Map<String, long[]> byCluster = new TreeMap<>();
        long steps;
        long tokens;

        void add(StepMetrics s) {
            long[] c = byCluster.computeIfAbsent(s.getClusterId(), k -> new long[] {0, Long.MAX_VALUE, 0});
            c[0]++;
            c[1] = Math.min(c[1], s.getStep());
            c[2] = Math.max(c[2], s.getStep());
            steps++;
            tokens += s.getTokens();
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%d steps of %d tokens", steps, tokens));
            byCluster.forEach((cluster, c) ->
                    b.append(String.format(Locale.ROOT, ", %s: %d steps in %d..%d", cluster, c[0], c[1], c[2])));
            return b.toString();
        }
    }

    private void readAll(String topic, Consumer<ConsumerRecord<byte[], byte[]>> each) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo p : consumer.partitionsFor(topic)) {
                partitions.add(new TopicPartition(p.topic(), p.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<TopicPartition> open = new ArrayList<>(partitions);
            while (!open.isEmpty()) {
                consumer.poll(Duration.ofMillis(200)).forEach(each);
                open.removeIf(p -> consumer.position(p) >= end.get(p));
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static <T> T decoded(DecodeResult<T> result) {
        if (result instanceof DecodeResult.Decoded<T> d) {
            return d.value();
        }
        throw new IllegalStateException("undecodable output: " + result);
    }

    private static double median(double[] values) {
        return Percentiles.of(values, values.length, 50);
    }

    private static String rates(double[] values) {
        StringBuilder b = new StringBuilder();
        for (double v : values) {
            b.append(String.format(Locale.ROOT, "%,12.0f", v));
        }
        return b.append(" events/s").toString();
    }

    /** Wall and CPU time of one measured run. */
    private static final class Measured {
        private final Long brokerPid;
        private final long startNanos;
        private final double startCpu;
        private final double startBrokerCpu;
        private double seconds;
        /** For a job: seconds from its submission to its last output record. */
        private double outputSeconds;

        private double cpu;
        private double brokerCpu;
        private String detail;

        private Measured(Long brokerPid) {
            this.brokerPid = brokerPid;
            this.startCpu = processCpuSeconds();
            this.startBrokerCpu = brokerCpuSeconds(brokerPid);
            this.startNanos = System.nanoTime();
        }

        static Measured start(Long brokerPid) {
            return new Measured(brokerPid);
        }

        Measured stop(String detail) {
            seconds = (System.nanoTime() - startNanos) / 1e9;
            cpu = processCpuSeconds() - startCpu;
            brokerCpu = brokerCpuSeconds(brokerPid) - startBrokerCpu;
            this.detail = detail;
            return this;
        }

        double cpuMicrosPerEvent(long events) {
            return (cpu + brokerCpu) * 1e6 / events;
        }

        double rate(long events) {
            return events / seconds;
        }

        void print(String what, String label, long events) {
            String toOutput = outputSeconds > 0
                    ? String.format(
                            Locale.ROOT, " (last output after %.2f s = %,.0f/s)", outputSeconds, events / outputSeconds)
                    : "";
            System.out.printf(
                    Locale.ROOT,
                    "%-8s %-7s: %6.2f s = %,10.0f events/s%s; CPU %.2f s here%s = %.2f us per " + "event; %s%n",
                    what,
                    label,
                    seconds,
                    rate(events),
                    toOutput,
                    cpu,
                    brokerPid == null ? "" : String.format(Locale.ROOT, " + %.2f s broker", brokerCpu),
                    cpuMicrosPerEvent(events),
                    detail);
        }

        /** CPU time of this JVM, every thread (the MiniCluster's, Kafka clients', JIT, GC). */
        private static double processCpuSeconds() {
            return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                            .getProcessCpuTime()
                    / 1e9;
        }

        /** User plus system time of the broker process from /proc (Linux; clock ticks of 1/100 s), 0 without a pid. */
        private static double brokerCpuSeconds(Long pid) {
            if (pid == null) {
                return 0;
            }
            try {
                String stat = Files.readString(Path.of("/proc", pid.toString(), "stat"));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
            } catch (IOException e) {
                throw new IllegalStateException(
                        "--broker-pid " + pid + ": cannot read its CPU time: " + e.getMessage(), e);
            }
        }
    }
}
