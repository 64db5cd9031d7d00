package io.dpbalance.datagen;

import io.dpbalance.engine.trace.ReadOptions;
import io.dpbalance.engine.trace.ShippedTrace;
import io.dpbalance.engine.trace.Workload;
import io.dpbalance.engine.trace.WorkloadFormat;
import io.dpbalance.engine.trace.WorkloadReader;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** A trace file in any docs/design.md §9 format, read by the engine's readers. */
final class TraceOptions {

    @Option(
            names = "--workload",
            paramLabel = "FILE",
            description = "Trace file: Azure LLM inference CSV (2023/2024), Mooncake JSONL, BurstGPT CSV, or lengths "
                    + "JSON (no times: every request arrives at time 0). Default: the Azure conversation trace shipped with "
                    + "the project, " + ShippedTrace.RELATIVE_PATH + " (relative to the project root).")
    Path workload;

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            defaultValue = "auto",
            description = "auto|azure|mooncake|burstgpt|lengths. Default ${DEFAULT-VALUE}: detected from the file.")
    String format;

    @Option(
            names = "--limit",
            paramLabel = "N",
            description = "Use at most the first N requests of the workload (file order).")
    Long limit;

    @Option(
            names = "--skip-invalid",
            description = "Skip malformed rows, reporting how many by reason, instead of stopping at the first one.")
    boolean skipInvalid;

    boolean isSet() {
        return workload != null;
    }

    /** Names the shipped trace as the workload when none is named and it is found; says whether one is named now. */
    boolean orShippedTrace() {
        if (workload == null) {
            ShippedTrace.find().ifPresent(trace -> workload = trace);
        }
        return workload != null;
    }

    /**
     * @param timeScale factor on the trace's inter-arrival times
     * @throws IllegalArgumentException naming the flag at fault
     * @throws io.dpbalance.engine.trace.WorkloadException naming the file and line of a malformed row
     */
    Workload read(double timeScale) {
        if (!Files.isRegularFile(workload)) {
            throw new IllegalArgumentException("--workload " + workload + ": no such file");
        }
        WorkloadFormat parsed;
        try {
            parsed = WorkloadFormat.parse(format);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--format: " + e.getMessage(), e);
        }
        Workloads.requireTimeScale(timeScale);
        Workloads.requireLimit(limit);
        ReadOptions options =
                ReadOptions.defaults().withSkipInvalid(skipInvalid).withTimeScale(timeScale);
        if (limit != null) {
            options = options.withLimit(limit);
        }
        return WorkloadReader.read(workload, parsed, options);
    }
}
