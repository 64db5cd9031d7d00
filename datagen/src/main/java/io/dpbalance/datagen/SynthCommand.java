package io.dpbalance.datagen;

import io.dpbalance.datagen.generate.ArrivalReplay;
import io.dpbalance.datagen.generate.GenerationResult;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bin/dpbalance datagen synth}: generated requests as {@code RequestArrival}s. */
@Command(
        name = "synth",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Generate requests with the engine's synthetic workload (docs/design.md §9) and write them as "
                    + "RequestArrival records on dp.requests, like replay does with a trace: arrival_time, prompt_tokens, "
                    + "output_tokens, rank null. Keyed by cluster_id.",
            "To Kafka, records are paced at their arrival times unless --as-fast-as-possible; files are written at "
                    + "once. The same spec (its seed included) gives the same requests."
        })
final class SynthCommand implements Callable<GenerationResult> {

    @Option(names = "--synthetic", paramLabel = "SPEC", required = true, description = Workloads.SYNTHETIC_HELP)
    String synthetic;

    @Option(
            names = "--time-scale",
            paramLabel = "X",
            defaultValue = "1.0",
            description = "Multiply the generated inter-arrival times by X. Default ${DEFAULT-VALUE}.")
    double timeScale;

    @Mixin
    GenerationOptions generation;

    @Mixin
    OutputOptions output;

    @Spec
    CommandSpec spec;

    @Override
    public GenerationResult call() {
        return GeneratorLauncher.launch(
                spec,
                output,
                generation,
                (clusters, start) ->
                        new ArrivalReplay(Workloads.synthetic(synthetic, timeScale, null), clusters, start));
    }
}
