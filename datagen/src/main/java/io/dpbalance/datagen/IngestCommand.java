package io.dpbalance.datagen;

import io.dpbalance.datagen.ingest.IngestRun;
import io.dpbalance.datagen.ingest.IngestSettings;
import io.dpbalance.datagen.ingest.Ingestor;
import io.dpbalance.datagen.ingest.LineParser;
import io.dpbalance.datagen.ingest.LogFormat;
import io.dpbalance.datagen.ingest.StepNumbering;
import io.dpbalance.datagen.sink.RecordSink;
import io.dpbalance.datagen.sink.TopicCount;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code bin/dpbalance ingest sglang-log|trtllm-stats|vllm-log FILE... [--follow]}: server logs to dp.rank-steps. */
@Command(
        name = "ingest",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Read production servers' decode logs into RankStep records (dp.rank-steps), to Kafka or, with "
                    + "--out DIR, files (docs/ingest.md):",
            "  sglang-log    SGLang scheduler lines '[date time DPr TPr] Decode batch, #running-req: n, #token: kv, ...'",
            "  trtllm-stats  TensorRT-LLM per-rank iteration stats, one JSON object per line",
            "  vllm-log      vLLM 'Engine NNN: Avg prompt throughput ... Running: n reqs, ... GPU KV cache usage: x%'",
            "Lines that are not decode observations are skipped; lines that cannot be read are rejected and written "
                    + "to dp.dead-letter with the line as payload. At the end (or Ctrl-C) it prints per reason the "
                    + "lines counted and the records written."
        })
final class IngestCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FORMAT", description = "sglang-log, trtllm-stats or vllm-log.")
    String format;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "FILE", description = "Log files, read in turn.")
    List<Path> files;

    @Option(
            names = "--cluster",
            paramLabel = "ID",
            defaultValue = "cluster-0",
            description = "cluster_id of the records: the DP group the logs come from. Default ${DEFAULT-VALUE}.")
    String cluster;

    @Option(
            names = "--kv-capacity",
            paramLabel = "N",
            description = "KV-cache capacity of a rank in tokens: turns vllm-log's usage percentage into tokens "
                    + "(required there); elsewhere a bound: larger loads are rejected as OUT_OF_RANGE.")
    Long kvCapacity;

    @Option(
            names = "--time-zone",
            paramLabel = "ZONE",
            defaultValue = "UTC",
            description = "Zone of the logs' local time stamps (SGLang, vLLM and TensorRT-LLM write no zone), e.g. "
                    + "Europe/Paris. Default ${DEFAULT-VALUE}.")
    String timeZone;

    @Option(
            names = "--date",
            paramLabel = "YYYY-MM-DD",
            description = "Date of time-only SGLang prefixes ([04:40:55 TP0]) and year of vLLM's MM-DD stamps.")
    String date;

    @Option(
            names = "--log-interval",
            paramLabel = "N",
            defaultValue = "40",
            description =
                    "sglang-log: SGLang's --decode-log-interval, decode steps between two lines of a rank; the "
                            + "k-th line of a rank is step k*N and stands for N steps (sampled_steps). Default ${DEFAULT-VALUE}.")
    long logInterval;

    @Option(
            names = "--bucket-seconds",
            paramLabel = "S",
            defaultValue = "5",
            description = "vllm-log: width of the time buckets that number the samples (vLLM's logging interval). "
                    + "Default ${DEFAULT-VALUE}.")
    double bucketSeconds;

    @Option(
            names = "--follow",
            description = "Keep reading lines appended to the files (replaced or truncated "
                    + "files are read from their start) until Ctrl-C.")
    boolean follow;

    @Option(names = "--poll-millis", paramLabel = "MS", defaultValue = "200", hidden = true)
    long pollMillis;

    @Mixin
    OutputOptions output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        output.validate();
        LogFormat logFormat = LogFormat.parse(format);
        LineParser parser = logFormat.parser(settings());
        StepNumbering numbering = new StepNumbering(logFormat, logInterval, bucketSeconds);
        for (Path file : files) {
            if (!file.toFile().isFile()) {
                throw new IllegalArgumentException("FILE " + file + " does not exist or is not a file");
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        RecordSink sink = output.open(Ingestor.topics());
        Ingestor ingestor = new Ingestor(cluster, parser, numbering, sink, Clock.systemUTC());
        IngestRun run = new IngestRun(files, ingestor, follow, pollMillis);
        CountDownLatch summarized = new CountDownLatch(1);
        Thread hook = new Thread(
                () -> {
                    try {
                        run.stop(10_000);
                        summarized.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "ingest-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        boolean interrupted = false;
        try {
            // An interrupt of this thread is a Ctrl-C: the files' last lines are read, the sink closed, the summary
            // printed, and then the interrupt is the caller's again.
            interrupted = run.run();
        } finally {
            sink.close();
            out.print(ingestor.summary());
            for (TopicCount count : sink.counts()) {
                out.printf("%-32s %d records to %s%n", count.topic(), count.records(), sink.destination());
            }
            out.flush();
            summarized.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is stopping: the hook is running
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        return 0;
    }

    private IngestSettings settings() {
        ZoneId zone;
        try {
            zone = ZoneId.of(timeZone);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("--time-zone: '" + timeZone + "' is not a zone id: " + e.getMessage());
        }
        LocalDate day = null;
        if (date != null) {
            try {
                day = LocalDate.parse(date);
            } catch (DateTimeException e) {
                throw new IllegalArgumentException("--date: '" + date + "' is not a YYYY-MM-DD date");
            }
        }
        return new IngestSettings(zone, day, kvCapacity);
    }
}
