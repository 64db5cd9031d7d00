package io.dpbalance.datagen;

import io.dpbalance.datagen.generate.DecodeLog;
import io.dpbalance.datagen.generate.DecodeLogSettings;
import io.dpbalance.datagen.generate.GenerationResult;
import io.dpbalance.datagen.generate.Granularity;
import io.dpbalance.engine.metrics.CostModel;
import io.dpbalance.engine.metrics.PowerProfile;
import io.dpbalance.engine.policy.PolicyFactory;
import io.dpbalance.engine.policy.PolicySpec;
import io.dpbalance.engine.sim.ClusterConfig;
import io.dpbalance.engine.trace.ShippedTrace;
import io.dpbalance.engine.trace.Workload;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code bin/dpbalance datagen decode-log}: what a production cluster's decode logs would hold, from the engine. */
@Command(name = "decode-log", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Simulate production DP clusters with the engine (arrival mode, docs/design.md §3) under a production "
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
                    + "unless --as-fast-as-possible; files are written at once."})
final class DecodeLogCommand implements Callable<GenerationResult> {

    @Mixin
    TraceOptions trace;

    @Option(names = "--synthetic", paramLabel = "SPEC",
            description = "Simulate a synthetic workload instead of a trace file. " + Workloads.SYNTHETIC_HELP)
    String synthetic;

    @Option(names = "--time-scale", paramLabel = "X", defaultValue = "1.0",
            description = "Multiply inter-arrival times by X: 2 stretches the workload (half the load), 0.5 "
                    + "compresses it (twice the load). Default ${DEFAULT-VALUE}.")
    double timeScale;

    @Option(names = "--ranks", paramLabel = "G", defaultValue = "32",
            description = "DP ranks G of each cluster. Default ${DEFAULT-VALUE}.")
    int ranks;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "72",
            description = "Batch capacity B: running requests per rank. Default ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--policy", paramLabel = "POLICY", defaultValue = "vllm",
            description = "The production placement policy with its parameters, name:key=value,... (docs/design.md §5), e.g. "
                    + "vllm, least-tokens, bfio:h=20. Default ${DEFAULT-VALUE}.")
    String policy;

    @Option(names = "--lookahead", paramLabel = "L", defaultValue = "hazard",
            description = "What a lookahead policy (bfio) may know of running requests' remaining tokens, unless its "
                    + "spec names one: hazard (learned online from finished requests: what production has), none, "
                    + "noisy:D, oracle. Default ${DEFAULT-VALUE}.")
    String lookahead;

    @Option(names = "--cost-model", paramLabel = "MODEL", defaultValue = "reference",
            description = "Step time from the loads entering the step: reference (C + t_tok * max L, the paper's "
                    + "DeepSeek-V3-like constants; C depends on the batch) or affine:c=SECONDS,t=SECONDS_PER_TOKEN. "
                    + "Default ${DEFAULT-VALUE}.")
    String costModel;

    @Option(names = "--granularity", paramLabel = "token|rank|both", defaultValue = "both",
            description = "Write TokenEvents (token), RankSteps (rank) or both; RequestArrivals always. "
                    + "Default ${DEFAULT-VALUE}.")
    String granularity;

    @Option(names = "--jitter", paramLabel = "F", defaultValue = "0",
            description = "Spread each rank's compute_micros by a seeded factor 1 + U[-F, F], 0 <= F < 1, as measured "
                    + "times would be. Default ${DEFAULT-VALUE}: exactly the cost model.")
    double jitter;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
            description = "Seed of the jitter and of a noisy lookahead; cluster i uses N + i. Default ${DEFAULT-VALUE}.")
    long seed;

    @Mixin
    GenerationOptions generation;

    @Mixin
    OutputOptions output;

    @Spec
    CommandSpec spec;

    @Override
    public GenerationResult call() {
        return GeneratorLauncher.launch(spec, output, generation, (clusters, start) -> {
            DecodeLogSettings settings = settings();
            Workload workload = workload();
            Workloads.reportSkipped(workload, "decode-log", spec.commandLine().getErr());
            return new DecodeLog(workload, clusters, settings, start);
        });
    }

    /** Checks every simulation flag before the workload is read. */
    private DecodeLogSettings settings() {
        if (ranks < 1 || batch < 1) {
            throw new IllegalArgumentException("--ranks and --batch must be at least 1, not " + ranks + " and " + batch);
        }
        CostModel cost;
        try {
            cost = CostModel.parse(costModel, batch);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--cost-model: " + e.getMessage(), e);
        }
        ClusterConfig cluster;
        try {
            // The power profile shapes only the engine's energy metrics, which decode logs do not carry.
            cluster = new ClusterConfig(ranks, batch, cost, PowerProfile.REFERENCE);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--ranks, --batch: " + e.getMessage(), e);
        }
        PolicySpec policySpec;
        try {
            policySpec = PolicySpec.parse(policy);
            PolicyFactory.create(policySpec, lookahead, seed);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--policy " + policy + " (--lookahead " + lookahead + "): "
                    + e.getMessage(), e);
        }
        return new DecodeLogSettings(cluster, policySpec, lookahead, Granularity.parse(granularity), jitter, seed);
    }

    private Workload workload() {
        if (trace.isSet() && synthetic != null) {
            throw new IllegalArgumentException("decode-log takes one workload: --workload FILE or --synthetic SPEC, "
                    + "not both");
        }
        if (synthetic == null && !trace.orShippedTrace()) {
            throw new IllegalArgumentException("decode-log needs a workload: --workload FILE or --synthetic SPEC ("
                    + ShippedTrace.missingHint() + ")");
        }
        return synthetic != null ? Workloads.synthetic(synthetic, timeScale, trace.limit) : trace.read(timeScale);
    }
}
