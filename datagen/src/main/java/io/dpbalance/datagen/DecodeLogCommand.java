package io.dpbalance.datagen;

import io.dpbalance.datagen.generate.DecodeLog;
import io.dpbalance.datagen.generate.DecodeLogSettings;
import io.dpbalance.datagen.generate.GenerationResult;
import io.dpbalance.datagen.generate.Granularity;
import io.dpbalance.engine.trace.Workload;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bin/dpbalance datagen decode-log}: what a production cluster's decode logs would hold, from the engine. */
@Command(
        name = "decode-log",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Simulate production DP clusters with the engine (arrival mode, docs/design.md §3) under a production "
                    + "placement policy and write what their logs would hold:",
            "  dp.requests      RequestArrival when a request arrives (rank, output_tokens null), and a completion "
                    + "update when it finishes: the same request_id and arrival_time with rank (where production "
                    + "placed it) and output_tokens set. Key cluster_id.",
            "  dp.token-events  TokenEvent per running request per step: rank, step, event_time (the step's start), "
                    + "context_tokens (prompt + generated), final. Key cluster_id/rank.",
            "  dp.rank-steps    RankStep per rank per step: step_start, running, kv_tokens (resident at the step's "
                    + "end, after departures: the loads of the engine's metrics), compute_micros (the cost model on "
                    + "the rank's load entering the step, times 1 + U[-F, F] with --jitter F), step_micros (the step "
                    + "time). Key cluster_id/rank.",
            "Times are --start-time plus the simulation clock. To Kafka, steps are paced at the simulation clock "
                    + "unless --as-fast-as-possible; files are written at once."
        })
final class DecodeLogCommand implements Callable<GenerationResult> {

    @Mixin
    SimulationOptions simulation;

    @Option(
            names = "--granularity",
            paramLabel = "token|rank|both",
            defaultValue = "both",
            description = "Write TokenEvents (token), RankSteps (rank) or both; RequestArrivals always. "
                    + "Default ${DEFAULT-VALUE}.")
    String granularity;

    @Option(
            names = "--jitter",
            paramLabel = "F",
            defaultValue = "0",
            description = "Spread each rank's compute_micros by a seeded factor 1 + U[-F, F], 0 <= F < 1, as measured "
                    + "times would be. Default ${DEFAULT-VALUE}: exactly the cost model.")
    double jitter;

    @Mixin
    GenerationOptions generation;

    @Mixin
    OutputOptions output;

    @Spec
    CommandSpec spec;

    @Override
    public GenerationResult call() {
        return GeneratorLauncher.launch(spec, output, generation, (clusters, start) -> {
            DecodeLogSettings settings = simulation.settings(Granularity.parse(granularity), jitter);
            Workload workload = simulation.workload("decode-log");
            Workloads.reportSkipped(workload, "decode-log", spec.commandLine().getErr());
            return new DecodeLog(workload, clusters, settings, start);
        });
    }
}
