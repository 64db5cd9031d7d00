package io.dpbalance.datagen;

import io.dpbalance.datagen.generate.ArrivalReplay;
import io.dpbalance.datagen.generate.GenerationResult;
import io.dpbalance.engine.trace.ShippedTrace;
import io.dpbalance.engine.trace.Workload;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bin/dpbalance datagen replay}: a trace's requests as {@code RequestArrival}s, at the trace's pace. */
@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Replay a trace (any docs/design.md §9 format) as RequestArrival records on dp.requests: request_id, "
                    + "arrival_time (--start-time + the request's arrival in the trace), prompt_tokens and output_tokens "
                    + "(known when replaying), rank null. Keyed by cluster_id.",
            "To Kafka, records are paced at the trace's own timing scaled by --time-scale, unless "
                    + "--as-fast-as-possible; files are written at once."
        })
final class ReplayCommand implements Callable<GenerationResult> {

    @Mixin
    TraceOptions trace;

    @Option(
            names = "--time-scale",
            paramLabel = "X",
            defaultValue = "1.0",
            description = "Multiply the trace's inter-arrival times by X: 2 stretches it (half the rate), 0.5 "
                    + "compresses it (twice the rate). Default ${DEFAULT-VALUE}.")
    double timeScale;

    @Mixin
    GenerationOptions generation;

    @Mixin
    OutputOptions output;

    @Spec
    CommandSpec spec;

    @Override
    public GenerationResult call() {
        return GeneratorLauncher.launch(spec, output, generation, (clusters, start) -> {
            if (!trace.orShippedTrace()) {
                throw new IllegalArgumentException("replay needs --workload FILE (" + ShippedTrace.missingHint()
                        + "; for generated requests use `datagen synth --synthetic SPEC`)");
            }
            Workload workload = trace.read(timeScale);
            Workloads.reportSkipped(workload, "replay", spec.commandLine().getErr());
            return new ArrivalReplay(workload, clusters, start);
        });
    }
}
