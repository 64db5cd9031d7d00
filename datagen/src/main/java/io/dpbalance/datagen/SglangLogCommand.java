package io.dpbalance.datagen;

import io.dpbalance.datagen.generate.DecodeLog;
import io.dpbalance.datagen.generate.DecodeLogSettings;
import io.dpbalance.datagen.generate.Generation;
import io.dpbalance.datagen.generate.GenerationResult;
import io.dpbalance.datagen.generate.Granularity;
import io.dpbalance.datagen.generate.SglangLogWriter;
import io.dpbalance.engine.trace.Workload;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bin/dpbalance datagen sglang-log}: the scheduler log an SGLang DP-attention server would write, from the engine. */
@Command(
        name = "sglang-log",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Simulate a production DP cluster with the engine (the decode-log simulation, arrival mode) and "
                    + "write the SGLang scheduler log it would produce (docs/ingest.md): every --interval-th decode step "
                    + "one line per DP rank,",
            "  [YYYY-MM-DD HH:MM:SS DPr TPr] Decode batch, #running-req: n, #token: kv, token usage: u, cuda graph: "
                    + "True, gen throughput (token/s): x, #queue-req: q",
            "with n and kv the engine's loads of that step, plus the noise a server interleaves (a Prefill batch "
                    + "line per arrival, an HTTP access line per completion). Times UTC. "
                    + "`bin/dpbalance ingest sglang-log FILE --log-interval N` reads it back."
        })
final class SglangLogCommand implements Callable<GenerationResult> {

    @Mixin
    SimulationOptions simulation;

    @Option(
            names = "--interval",
            paramLabel = "N",
            defaultValue = "40",
            description =
                    "SGLang's decode_log_interval: a decode line per rank every N steps. Default ${DEFAULT-VALUE}.")
    long interval;

    @Option(
            names = "--kv-capacity",
            paramLabel = "N",
            description = "KV tokens per rank, for the 'token usage' fraction. Default: B x 4096.")
    Long kvCapacity;

    @Option(
            names = "--cluster",
            paramLabel = "ID",
            defaultValue = "cluster-0",
            description = "The simulated cluster's id (seeds as decode-log's first cluster). Default ${DEFAULT-VALUE}.")
    String cluster;

    @Option(
            names = "--start-time",
            paramLabel = "INSTANT",
            defaultValue = "2026-01-01T00:00:00Z",
            description = "Time of the workload's time 0 (ISO-8601). Default ${DEFAULT-VALUE}.")
    String startTime;

    @Option(
            names = "--paced",
            description = "Write the lines at the simulation clock (a growing log to try "
                    + "`ingest --follow` on) instead of at once.")
    boolean paced;

    @Option(names = "--out", paramLabel = "FILE", required = true, description = "The log file to write (replaced).")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public GenerationResult call() {
        DecodeLogSettings settings = simulation.settings(Granularity.RANK, 0);
        Instant start;
        try {
            start = Instant.parse(startTime.trim());
        } catch (DateTimeException e) {
            throw new IllegalArgumentException(
                    "--start-time: '" + startTime + "' is not an ISO-8601 instant " + "(2026-01-01T00:00:00Z)");
        }
        long capacity =
                kvCapacity != null ? kvCapacity : (long) settings.cluster().batch() * 4096;
        if (interval < 1 || capacity < 1) {
            throw new IllegalArgumentException(
                    "--interval and --kv-capacity must be at least 1, not " + interval + " and " + capacity);
        }
        Workload workload = simulation.workload("sglang-log");
        Workloads.reportSkipped(workload, "sglang-log", spec.commandLine().getErr());
        DecodeLog generator = new DecodeLog(workload, List.of(cluster), settings, start);
        SglangLogWriter writer = new SglangLogWriter(out, settings.cluster().ranks(), interval, capacity);
        return new Generation(
                        spec.name(),
                        generator,
                        writer,
                        paced,
                        spec.commandLine().getOut())
                .run(true);
    }
}
