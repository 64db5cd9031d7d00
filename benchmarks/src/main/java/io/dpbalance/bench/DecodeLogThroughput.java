package io.dpbalance.bench;

import io.dpbalance.datagen.generate.DecodeLog;
import io.dpbalance.datagen.generate.DecodeLogSettings;
import io.dpbalance.datagen.generate.Generation;
import io.dpbalance.datagen.generate.GenerationResult;
import io.dpbalance.datagen.generate.Granularity;
import io.dpbalance.datagen.kafka.KafkaOptions;
import io.dpbalance.datagen.kafka.KafkaRecordSink;
import io.dpbalance.datagen.kafka.SpecTopics;
import io.dpbalance.datagen.sink.FileRecordSink;
import io.dpbalance.datagen.sink.RecordSink;
import io.dpbalance.datagen.sink.RecordTopic;
import io.dpbalance.datagen.sink.TopicCount;
import io.dpbalance.engine.policy.PolicySpec;
import io.dpbalance.engine.sim.ClusterConfig;
import io.dpbalance.engine.trace.ReadOptions;
import io.dpbalance.engine.trace.ShippedTrace;
import io.dpbalance.engine.trace.Workload;
import io.dpbalance.engine.trace.WorkloadFormat;
import io.dpbalance.engine.trace.WorkloadReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The throughput of {@code datagen decode-log}: token events per second produced to a Kafka broker, and written to
 * files, through the same generator and sinks as the command, as fast as possible. Each Kafka run writes to topics of
 * its own (created here, deleted afterwards). To find where the time goes it also measures the generation alone (the
 * engine's step loop and the record objects, into a sink that drops them) and with encoding (the codec's single-object
 * encoding, then dropped).
 *
 * <pre>
 * bin/dpbalance bench decode-log-throughput --bootstrap 127.0.0.1:29092
 * </pre>
 */
@Command(
        name = "decode-log-throughput",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Token events per second of decode-log to Kafka and to files (medians of --runs runs).")
public final class DecodeLogThroughput implements Callable<Integer> {

    @Option(
            names = "--bootstrap",
            paramLabel = "HOST:PORT",
            required = true,
            description = "The broker to produce to, e.g. the local one of `bin/dpbalance kafka start --port 29092`.")
    String bootstrap;

    @Option(
            names = "--workload",
            paramLabel = "FILE",
            defaultValue = ShippedTrace.RELATIVE_PATH,
            description = "Trace to simulate. Default ${DEFAULT-VALUE}, the Azure trace shipped with the project "
                    + "(4.09 M output tokens).")
    Path workload;

    @Option(
            names = "--time-scale",
            paramLabel = "X",
            defaultValue = "0.01",
            description = "Inter-arrival time factor. The default compresses the Azure trace's hour into ~40 s of "
                    + "simulated time, so that a 32 x 72 cluster steps with ~950 running requests per step, as a "
                    + "busy production cluster does. Default ${DEFAULT-VALUE}.")
    double timeScale;

    @Option(
            names = "--ranks",
            paramLabel = "G",
            defaultValue = "32",
            description = "DP ranks of the simulated cluster. Default ${DEFAULT-VALUE}.")
    int ranks;

    @Option(
            names = "--batch",
            paramLabel = "B",
            defaultValue = "72",
            description = "Batch capacity per rank. Default ${DEFAULT-VALUE}.")
    int batch;

    @Option(
            names = "--policy",
            paramLabel = "POLICY",
            defaultValue = "vllm",
            description = "Production placement policy. Default ${DEFAULT-VALUE}.")
    String policy;

    @Option(
            names = "--granularity",
            paramLabel = "token|rank|both",
            defaultValue = "both",
            description = "Records besides the requests, as decode-log --granularity. Default ${DEFAULT-VALUE}.")
    String granularity;

    @Option(
            names = "--runs",
            paramLabel = "N",
            defaultValue = "3",
            description = "Measured runs per mode; the median is reported. Default ${DEFAULT-VALUE}.")
    int runs;

    @Option(
            names = "--warmup",
            paramLabel = "N",
            defaultValue = "1",
            description = "Runs per mode before the measured ones, so that the JIT has compiled the mode's code path "
                    + "(printed, not counted). Default ${DEFAULT-VALUE}.")
    int warmup;

    @Option(
            names = "--partitions",
            paramLabel = "N",
            defaultValue = "4",
            description = "Partitions of each topic the Kafka runs create. Default ${DEFAULT-VALUE}.")
    int partitions;

    @Option(
            names = "--producer-property",
            paramLabel = "KEY=VALUE",
            description = "Overrides a producer default of datagen (repeatable), to compare settings.")
    Map<String, String> producerProperties = new LinkedHashMap<>();

    @Option(
            names = "--broker-pid",
            paramLabel = "PID",
            description = "The local broker's process id (var/kafka/kafka.pid): its CPU time per run is printed too. "
                    + "On a shared machine CPU time per record compares settings better than wall time does.")
    Long brokerPid;

    @Option(
            names = "--modes",
            paramLabel = "MODE,...",
            split = ",",
            defaultValue = "generate,encode,files,kafka",
            description = "What to measure: generate (engine and records, dropped), encode (plus the codec), files, "
                    + "kafka. Default ${DEFAULT-VALUE}.")
    List<String> modes;

    private Workload trace;

    public static void main(String[] args) {
        System.exit(new CommandLine(new DecodeLogThroughput()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        trace = WorkloadReader.read(
                ShippedTrace.resolve(workload),
                WorkloadFormat.AUTO,
                ReadOptions.defaults().withTimeScale(timeScale));
        System.out.printf(
                Locale.ROOT,
                "%s: %d requests, time scale %s, G=%d, B=%d, policy %s, %s records; %d warm-up "
                        + "and %d measured runs per mode; producer overrides %s%n",
                trace.source(),
                trace.requests().size(),
                timeScale,
                ranks,
                batch,
                policy,
                granularity,
                warmup,
                runs,
                producerProperties);
        Map<String, Double> medians = new LinkedHashMap<>();
        for (String mode : modes) {
            double[] rates = new double[runs];
            for (int i = -warmup; i < runs; i++) {
                double cpu = processCpuSeconds();
                double brokerCpu = brokerCpuSeconds();
                GenerationResult result = run(mode, i);
                cpu = processCpuSeconds() - cpu;
                brokerCpu = brokerCpuSeconds() - brokerCpu;
                long tokens = result.records(result.topics().stream()
                        .map(TopicCount::topic)
                        .filter(t -> t.endsWith(SpecTopics.TOKEN_EVENTS))
                        .findFirst()
                        .orElse(""));
                double rate = tokens / result.seconds();
                System.out.printf(
                        Locale.ROOT,
                        "%-8s %-7s: %,d token events (%,d records) in %.2f s = %,.0f token "
                                + "events/s; CPU %.2f s here%s = %.2f us per record%n",
                        mode,
                        i < 0 ? "warm-up" : "run " + (i + 1),
                        tokens,
                        result.totalRecords(),
                        result.seconds(),
                        rate,
                        cpu,
                        brokerPid == null ? "" : String.format(Locale.ROOT, " + %.2f s broker", brokerCpu),
                        (cpu + brokerCpu) * 1e6 / result.totalRecords());
                if (i >= 0) {
                    rates[i] = rate;
                }
            }
            Arrays.sort(rates);
            medians.put(mode, rates[runs / 2]);
        }
        System.out.println();
        medians.forEach(
                (mode, rate) -> System.out.printf(Locale.ROOT, "median %-8s %,12.0f token events/s%n", mode, rate));
        if (medians.containsKey("kafka") && medians.containsKey("files")) {
            System.out.printf(Locale.ROOT, "kafka / files = %.2f%n", medians.get("kafka") / medians.get("files"));
        }
        return 0;
    }

    private GenerationResult run(String mode, int index) throws Exception {
        DecodeLog generator = new DecodeLog(
                trace,
                List.of("cluster-0"),
                new DecodeLogSettings(
                        ClusterConfig.reference(ranks, batch),
                        PolicySpec.parse(policy),
                        "hazard",
                        Granularity.parse(granularity),
                        0,
                        1),
                Instant.parse("2026-01-01T00:00:00Z"));
        PrintWriter discard = new PrintWriter(Writer.nullWriter());
        switch (mode) {
            case "generate", "encode" -> {
                return new Generation(
                                mode,
                                generator,
                                new DroppingSink(generator.topics(), mode.equals("encode")),
                                false,
                                discard)
                        .run(false);
            }
            case "files" -> {
                Path dir = Files.createTempDirectory("decode-log-throughput");
                try {
                    return new Generation(
                                    mode, generator, new FileRecordSink(dir, "", generator.topics()), false, discard)
                            .run(false);
                } finally {
                    deleteTree(dir);
                }
            }
            case "kafka" -> {
                String prefix = "bench-" + System.currentTimeMillis() + "-" + (index + warmup) + ".";
                try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                    List<String> topics = generator.topics().stream()
                            .map(t -> prefix + t.specName())
                            .toList();
                    admin.createTopics(topics.stream()
                                    .map(t -> new NewTopic(t, partitions, (short) 1))
                                    .toList())
                            .all()
                            .get();
                    try {
                        KafkaRecordSink sink = KafkaRecordSink.open(
                                KafkaOptions.of(bootstrap), prefix, generator.topics(), producerProperties);
                        GenerationResult result = new Generation(mode, generator, sink, false, discard).run(false);
                        if (index == runs - 1) {
                            printProducerMetrics(sink);
                        }
                        return result;
                    } finally {
                        admin.deleteTopics(topics).all().get();
                    }
                }
            }
            default ->
                throw new IllegalArgumentException(
                        "--modes: unknown mode '" + mode + "'; expected generate, encode, files, kafka");
        }
    }

    /** CPU time of this JVM, every thread (generation, producer I/O, JIT, GC). */
    private static double processCpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                        .getProcessCpuTime()
                / 1e9;
    }

    /** User plus system time of the broker process from /proc (Linux; clock ticks of 1/100 s), 0 without a pid. */
    private double brokerCpuSeconds() throws IOException {
        if (brokerPid == null) {
            return 0;
        }
        String stat = Files.readString(Path.of("/proc", brokerPid.toString(), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
    }

    private static void printProducerMetrics(KafkaRecordSink sink) {
        List<String> wanted = List.of(
                "compression-rate-avg",
                "batch-size-avg",
                "records-per-request-avg",
                "record-queue-time-avg",
                "request-latency-avg",
                "bufferpool-wait-ratio",
                "record-size-avg");
        sink.producerMetrics().entrySet().stream()
                .filter(e -> wanted.stream().anyMatch(w -> e.getKey().contains(":" + w)))
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> System.out.printf(Locale.ROOT, "  producer %s = %.3f%n", e.getKey(), e.getValue()));
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    /** Counts records and drops them, encoding them first if asked: the cost of everything before the sink. */
    private static final class DroppingSink implements RecordSink {
        private final List<RecordTopic<?>> topics;
        private final boolean encode;
        private final long[] records = new long[RecordTopic.ALL.size()];
        private final long[] bytes = new long[RecordTopic.ALL.size()];
        private long written;

        DroppingSink(List<RecordTopic<?>> topics, boolean encode) {
            this.topics = topics;
            this.encode = encode;
        }

        @Override
        public <T extends SpecificRecord> void write(RecordTopic<T> topic, byte[] key, T record) {
            records[topic.index()]++;
            if (encode) {
                bytes[topic.index()] += key.length + topic.codec().encode(record).length;
            }
            written++;
        }

        @Override
        public long written() {
            return written;
        }

        @Override
        public void close() {}

        @Override
        public List<TopicCount> counts() {
            List<TopicCount> counts = new ArrayList<>();
            topics.forEach(t -> counts.add(new TopicCount(t.specName(), records[t.index()], bytes[t.index()])));
            return counts;
        }

        @Override
        public String destination() {
            return "nowhere";
        }
    }
}
