package io.dpbalance.cli;

import io.dpbalance.engine.sim.WorkloadMode;
import io.dpbalance.engine.trace.ReadOptions;
import io.dpbalance.engine.trace.ShippedTrace;
import io.dpbalance.engine.trace.SyntheticWorkload;
import io.dpbalance.engine.trace.Workload;
import io.dpbalance.engine.trace.WorkloadFormat;
import io.dpbalance.engine.trace.WorkloadReader;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the requests come from: a trace file in any docs/design.md §9 format, or a synthetic generator. */
final class WorkloadOptions {

    @Option(
            names = "--workload",
            paramLabel = "FILE",
            description = "Trace file: Azure LLM inference CSV (2023/2024), Mooncake JSONL, BurstGPT CSV, or lengths "
                    + "JSON. Default: the Azure 2023 conversation trace shipped with the project (${DEFAULT-VALUE}, "
                    + "relative to the project root) unless --synthetic.",
            defaultValue = ShippedTrace.RELATIVE_PATH)
    Path workload;

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            defaultValue = "auto",
            description = "auto|azure|mooncake|burstgpt|lengths (default: ${DEFAULT-VALUE}, detected from the file).")
    String format;

    @Option(
            names = "--synthetic",
            paramLabel = "SPEC",
            description = "Generate the workload instead of reading one, e.g. "
                    + "'n=60000;arrival=none;prompt=lognormal:mean=1000,sigma=1;output=geometric:mean=128;seed=7'. "
                    + "See README (Synthetic workloads) for every key.")
    String synthetic;

    @Option(
            names = "--time-scale",
            paramLabel = "X",
            defaultValue = "1.0",
            description = "Multiply inter-arrival times by X: 2 stretches the trace (half the load), 0.5 compresses "
                    + "it (twice the load). Arrival mode only. Default ${DEFAULT-VALUE}.")
    double timeScale;

    @Option(names = "--limit", paramLabel = "N", description = "Read at most N requests.")
    Long limit;

    @Option(
            names = "--skip-invalid",
            description = "Skip malformed rows and report how many were skipped, instead of stopping at the first.")
    boolean skipInvalid;

    /** The workload, checked to fit the mode: arrival mode needs arrival times. */
    Workload load(WorkloadMode mode) {
        Workload w = load();
        if (mode == WorkloadMode.ARRIVAL && !w.timed()) {
            throw new IllegalArgumentException("--mode arrival needs arrival times, and " + w.source() + " ("
                    + w.format().cliName() + ") has none; use --mode pool");
        }
        return w;
    }

    private Workload load() {
        if (synthetic != null) {
            Workload w = SyntheticWorkload.parse(synthetic).generate();
            if (limit != null && limit < w.requests().size()) {
                return new Workload(
                        w.source(),
                        w.format(),
                        w.timed(),
                        w.requests().subList(0, (int) (long) limit),
                        w.skipReasons());
            }
            return w;
        }
        Path file = ShippedTrace.resolve(workload);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("--workload " + workload + ": no such file"
                    + (file.equals(Path.of(ShippedTrace.RELATIVE_PATH))
                            ? " (" + ShippedTrace.missingHint() + ", or generate one with --synthetic SPEC)"
                            : ""));
        }
        ReadOptions options =
                ReadOptions.defaults().withSkipInvalid(skipInvalid).withTimeScale(timeScale);
        if (limit != null) {
            options = options.withLimit(limit);
        }
        return WorkloadReader.read(file, WorkloadFormat.parse(format), options);
    }
}
