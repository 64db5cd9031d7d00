package io.dpbalance.bench;

import io.dpbalance.engine.metrics.StepStats;
import io.dpbalance.engine.model.Request;
import io.dpbalance.engine.policy.PolicyFactory;
import io.dpbalance.engine.policy.PolicySpec;
import io.dpbalance.engine.sim.SimulationListener;
import io.dpbalance.engine.sim.Simulator;
import io.dpbalance.engine.sim.WorkloadMode;
import io.dpbalance.engine.trace.ReadOptions;
import io.dpbalance.engine.trace.ShippedTrace;
import io.dpbalance.engine.trace.WorkloadFormat;
import io.dpbalance.engine.trace.WorkloadReader;
import io.dpbalance.jobs.common.SinkApplier;
import io.dpbalance.jobs.io.KafkaConnectors;
import io.dpbalance.jobs.shadow.ClusterSpec;
import io.dpbalance.jobs.shadow.ShadowSchedulerJob;
import io.dpbalance.jobs.shadow.ShadowSettings;
import io.dpbalance.schemas.Assignment;
import io.dpbalance.schemas.Codecs;
import io.dpbalance.schemas.DeadLetter;
import io.dpbalance.schemas.RequestArrival;
import io.dpbalance.schemas.StepMetrics;
import io.dpbalance.schemas.WindowMetrics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Throughput of the shadow-scheduling job beside the engine alone, measured in one run: a trace replayed as
 * RequestArrival records for several clusters into a fresh topic on a real broker; then, alternately, the engine's
 * simulator over the same requests (every cluster, one after the other, in this JVM) and the job on an embedded
 * MiniCluster (Kafka in, Kafka out, bounded). Prints shadow steps per second and arrivals per second of each, their
 * medians over the repetitions and the ratio job / engine, and beside them the CPU time of this JVM per shadow step of
 * each (the job's includes its MiniCluster's start-up, as every execute starts one).
 */
@Command(
        name = "shadow-throughput",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Shadow job throughput (Kafka in -> Kafka out) beside the engine simulator on the same input.")
public final class ShadowThroughput implements Runnable {

    @Option(
            names = "--bootstrap",
            defaultValue = "127.0.0.1:9092",
            description = "A running Kafka broker (bin/dpbalance kafka start). Default ${DEFAULT-VALUE}.")
    String bootstrap;

    @Option(
            names = "--workload",
            defaultValue = ShippedTrace.RELATIVE_PATH,
            description =
                    "Trace to replay. Default ${DEFAULT-VALUE}: the Azure conversation trace shipped with the project "
                            + "(relative to the project root).")
    Path workload;

    @Option(names = "--limit", defaultValue = "0", description = "First N requests only (0: all).")
    int limit;

    @Option(names = "--time-scale", defaultValue = "1.0", description = "Scale of inter-arrival times. Default 1.")
    double timeScale;

    @Option(names = "--clusters", defaultValue = "2", description = "Clusters receiving the trace. Default 2.")
    int clusters;

    @Option(names = "--ranks", defaultValue = "32", description = "G. Default 32.")
    int ranks;

    @Option(names = "--batch", defaultValue = "72", description = "B. Default 72.")
    int batch;

    @Option(names = "--policy", defaultValue = "bfio:h=20", description = "Shadow policy. Default ${DEFAULT-VALUE}.")
    String policy;

    @Option(names = "--parallelism", defaultValue = "2", description = "Job parallelism. Default 2.")
    int parallelism;

    @Option(names = "--repeat", defaultValue = "3", description = "Repetitions of each side. Default 3.")
    int repeat;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ShadowThroughput()).execute(args));
    }

    @Override
    public void run() {
        workload = ShippedTrace.resolve(workload);
        if (!Files.isRegularFile(workload)) {
            throw new CommandLine.ParameterException(new CommandLine(this), "no such workload file: " + workload);
        }
        try {
            measure();
        } catch (Exception e) {
            throw new IllegalStateException("shadow-throughput failed: " + e.getMessage(), e);
        }
    }

    private void measure() throws Exception {
        ReadOptions read = ReadOptions.defaults().withTimeScale(timeScale);
        if (limit > 0) {
            read = read.withLimit(limit);
        }
        List<Request> requests =
                WorkloadReader.read(workload, WorkloadFormat.AUTO, read).requests();
        long start = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
        String run = "bench-" + System.currentTimeMillis() + ".";
        List<String> clusterIds = new ArrayList<>();
        for (int c = 0; c < clusters; c++) {
            clusterIds.add("cluster-" + c);
        }
        ShadowSettings settings = ShadowSettings.defaults()
                .withPolicies(List.of(policy))
                .withClusters(Map.of(), new ClusterSpec(ranks, batch, "reference", "reference"));
        String label = settings.policies().get(0);

        // The job's input: every request, for every cluster, arrival times in epoch ms.
        List<Request> asTheJobSeesThem = new ArrayList<>();
        for (Request r : requests) {
            asTheJobSeesThem.add(new Request(
                    r.id(), 0, start + (long) Math.floor(r.arrival() * 1000.0), r.promptTokens(), r.outputTokens()));
        }
        asTheJobSeesThem.sort(Comparator.comparingDouble(Request::arrival).thenComparing(Request::id));
        String requestsTopic = run + "dp.requests";
        long arrivals = produce(requestsTopic, asTheJobSeesThem, clusterIds);
        System.out.printf(
                Locale.ROOT,
                "%s: %d requests x %d clusters = %d arrival records on %s (%s), G=%d B=%d, "
                        + "policy %s, job parallelism %d%n",
                workload.getFileName(),
                requests.size(),
                clusters,
                arrivals,
                requestsTopic,
                bootstrap,
                ranks,
                batch,
                label,
                parallelism);

        List<Double> engineSteps = new ArrayList<>();
        List<Double> engineArrivals = new ArrayList<>();
        List<Double> jobSteps = new ArrayList<>();
        List<Double> jobArrivals = new ArrayList<>();
        List<Double> engineCpu = new ArrayList<>();
        List<Double> jobCpu = new ArrayList<>();
        for (int i = 1; i <= repeat; i++) {
            double cpu0 = processCpuSeconds();
            long t0 = System.nanoTime();
            long steps = engine(asTheJobSeesThem, settings, label);
            double engineSeconds = (System.nanoTime() - t0) / 1e9;
            double engineCpuMicros = (processCpuSeconds() - cpu0) * 1e6 / steps;
            engineCpu.add(engineCpuMicros);
            engineSteps.add(steps / engineSeconds);
            engineArrivals.add(arrivals / engineSeconds);

            String out = run + "r" + i + ".";
            createTopics(out);
            double jobCpu0 = processCpuSeconds();
            JobExecutionResult result = job(requestsTopic, out, settings, i);
            double jobCpuMicros = (processCpuSeconds() - jobCpu0) * 1e6 / steps;
            jobCpu.add(jobCpuMicros);
            double jobSeconds = result.getNetRuntime(TimeUnit.MILLISECONDS) / 1e3;
            long written = endOffsets(out + "dp.step-metrics");
            if (written != steps) {
                throw new IllegalStateException(
                        "the job wrote " + written + " step metrics, the engine ran " + steps + " steps");
            }
            jobSteps.add(steps / jobSeconds);
            jobArrivals.add(arrivals / jobSeconds);
            System.out.printf(
                    Locale.ROOT,
                    "run %d: engine %,d steps in %.2f s = %,.0f steps/s, %,.0f arrivals/s, CPU "
                            + "%.2f us/step | job %,d steps in %.2f s = %,.0f steps/s, %,.0f arrivals/s, CPU %.2f us/step%n",
                    i,
                    steps,
                    engineSeconds,
                    steps / engineSeconds,
                    arrivals / engineSeconds,
                    engineCpuMicros,
                    written,
                    jobSeconds,
                    steps / jobSeconds,
                    arrivals / jobSeconds,
                    jobCpuMicros);
        }
        double e = median(engineSteps);
        double j = median(jobSteps);
        System.out.printf(
                Locale.ROOT,
                "median: engine %,.0f steps/s (%,.0f arrivals/s), job %,.0f steps/s (%,.0f "
                        + "arrivals/s); job / engine = %.2f%n",
                e,
                median(engineArrivals),
                j,
                median(jobArrivals),
                j / e);
        // CPU of this whole JVM while each ran: for the job its MiniCluster (started by each execute, start-up
        // included),
        // the Kafka clients and the JIT and GC; the broker's is not counted for either.
        System.out.printf(
                Locale.ROOT,
                "median CPU per step: engine %.2f us, job %.2f us; job / engine by CPU = %.2f%n",
                median(engineCpu),
                median(jobCpu),
                median(engineCpu) / median(jobCpu));
    }

    /** CPU time of this JVM, every thread. */
    private static double processCpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean)
                                java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                        .getProcessCpuTime()
                / 1e9;
    }

    private long engine(List<Request> input, ShadowSettings settings, String label) {
        long origin = (long) input.get(0).arrival();
        List<Request> relative = new ArrayList<>();
        for (Request r : input) {
            relative.add(new Request(
                    r.id(), relative.size(), (r.arrival() - origin) / 1000.0, r.promptTokens(), r.outputTokens()));
        }
        AtomicLong steps = new AtomicLong();
        for (int c = 0; c < clusters; c++) {
            PolicyFactory.Instance p =
                    PolicyFactory.create(PolicySpec.parse(label), settings.lookahead(), settings.seed());
            Simulator.run(
                    relative,
                    WorkloadMode.ARRIVAL,
                    settings.cluster("cluster-" + c).config(),
                    0,
                    p.policy(),
                    p.lookahead(),
                    new SimulationListener() {
                        @Override
                        public void onStep(StepStats metrics) {
                            steps.incrementAndGet();
                        }
                    });
        }
        return steps.get();
    }

    private JobExecutionResult job(String requestsTopic, String out, ShadowSettings settings, int run)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        env.enableCheckpointing(10_000);
        Properties none = new Properties();
        ShadowSchedulerJob.defineWorkflow(
                env,
                settings,
                KafkaConnectors.source(
                        bootstrap,
                        requestsTopic,
                        "shadow-bench-" + out,
                        OffsetsInitializer.earliest(),
                        true,
                        none,
                        ShadowSchedulerJob.arrivalDecoder()),
                SinkApplier.of(KafkaConnectors.sink(
                        bootstrap,
                        out + "dp.step-metrics",
                        StepMetrics.class,
                        DeliveryGuarantee.AT_LEAST_ONCE,
                        "unused",
                        600_000,
                        none)),
                SinkApplier.of(KafkaConnectors.sink(
                        bootstrap,
                        out + "dp.assignments",
                        Assignment.class,
                        DeliveryGuarantee.AT_LEAST_ONCE,
                        "unused",
                        600_000,
                        none)),
                SinkApplier.of(KafkaConnectors.sink(
                        bootstrap,
                        out + "dp.window-metrics",
                        WindowMetrics.class,
                        DeliveryGuarantee.AT_LEAST_ONCE,
                        "unused",
                        600_000,
                        none)),
                SinkApplier.of(KafkaConnectors.sink(
                        bootstrap,
                        out + "dp.dead-letter",
                        DeadLetter.class,
                        DeliveryGuarantee.AT_LEAST_ONCE,
                        "unused",
                        600_000,
                        none)));
        return env.execute("shadow throughput " + run);
    }

    private long produce(String topic, List<Request> requests, List<String> clusterIds) throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
        }
        long sent = 0;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class,
                ProducerConfig.LINGER_MS_CONFIG,
                20))) {
            RequestArrival record = new RequestArrival();
            for (Request r : requests) {
                record.setRequestId(r.id());
                record.setArrivalTime(Instant.ofEpochMilli((long) r.arrival()));
                record.setPromptTokens((long) r.promptTokens());
                record.setOutputTokens((long) r.outputTokens());
                for (String cluster : clusterIds) {
                    record.setClusterId(cluster);
                    producer.send(new ProducerRecord<>(
                            topic, cluster.getBytes(StandardCharsets.UTF_8), Codecs.REQUEST_ARRIVAL.encode(record)));
                    sent++;
                }
            }
        }
        return sent;
    }

    private void createTopics(String prefix) throws Exception {
        try (Admin admin = admin()) {
            List<NewTopic> topics = new ArrayList<>();
            for (String t : List.of("dp.step-metrics", "dp.assignments", "dp.window-metrics", "dp.dead-letter")) {
                topics.add(new NewTopic(prefix + t, 2, (short) 1));
            }
            admin.createTopics(topics).all().get();
        }
    }

    private long endOffsets(String topic) throws Exception {
        try (Admin admin = admin()) {
            TopicDescription d =
                    admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
            Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
            d.partitions().forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            return admin.listOffsets(latest).all().get().values().stream()
                    .mapToLong(o -> o.offset())
                    .sum();
        }
    }

    private Admin admin() {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                (int) Duration.ofSeconds(15).toMillis()));
    }

    private static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
