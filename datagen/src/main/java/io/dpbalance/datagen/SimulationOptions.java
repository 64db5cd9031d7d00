package io.dpbalance.datagen;

import io.dpbalance.datagen.generate.DecodeLogSettings;
import io.dpbalance.datagen.generate.Granularity;
import io.dpbalance.engine.metrics.CostModel;
import io.dpbalance.engine.metrics.PowerProfile;
import io.dpbalance.engine.policy.PolicyFactory;
import io.dpbalance.engine.policy.PolicySpec;
import io.dpbalance.engine.sim.ClusterConfig;
import io.dpbalance.engine.trace.ShippedTrace;
import io.dpbalance.engine.trace.Workload;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The simulated production cluster of {@code decode-log} and {@code sglang-log}: workload, G, B, policy, costs. */
final class SimulationOptions {

    @Mixin
    TraceOptions trace;

    @Option(
            names = "--synthetic",
            paramLabel = "SPEC",
            description = "Simulate a synthetic workload instead of a trace file. " + Workloads.SYNTHETIC_HELP)
    String synthetic;

    @Option(
            names = "--time-scale",
            paramLabel = "X",
            defaultValue = "1.0",
            description = "Multiply inter-arrival times by X: 2 stretches the workload (half the load), 0.5 "
                    + "compresses it (twice the load). Default ${DEFAULT-VALUE}.")
    double timeScale;

    @Option(
            names = "--ranks",
            paramLabel = "G",
            defaultValue = "32",
            description = "DP ranks G of each cluster. Default ${DEFAULT-VALUE}.")
    int ranks;

    @Option(
            names = "--batch",
            paramLabel = "B",
            defaultValue = "72",
            description = "Batch capacity B: running requests per rank. Default ${DEFAULT-VALUE}.")
    int batch;

    @Option(
            names = "--policy",
            paramLabel = "POLICY",
            defaultValue = "vllm",
            description =
                    "The production placement policy with its parameters, name:key=value,... (docs/design.md §5), e.g. "
                            + "vllm, least-tokens, bfio:h=20. Default ${DEFAULT-VALUE}.")
    String policy;

    @Option(
            names = "--lookahead",
            paramLabel = "L",
            defaultValue = "hazard",
            description = "What a lookahead policy (bfio) may know of running requests' remaining tokens, unless its "
                    + "spec names one: hazard (learned online from finished requests: what production has), none, "
                    + "noisy:D, oracle. Default ${DEFAULT-VALUE}.")
    String lookahead;

    @Option(
            names = "--cost-model",
            paramLabel = "MODEL",
            defaultValue = "reference",
            description = "Step time from the loads entering the step: reference (C + t_tok * max L, the paper's "
                    + "DeepSeek-V3-like constants; C depends on the batch) or affine:c=SECONDS,t=SECONDS_PER_TOKEN. "
                    + "Default ${DEFAULT-VALUE}.")
    String costModel;

    @Option(
            names = "--seed",
            paramLabel = "N",
            defaultValue = "1",
            description =
                    "Seed of the jitter and of a noisy lookahead; cluster i uses N + i. Default ${DEFAULT-VALUE}.")
    long seed;

    /** Checks every simulation flag before the workload is read. */
    DecodeLogSettings settings(Granularity granularity, double jitter) {
        if (ranks < 1 || batch < 1) {
            throw new IllegalArgumentException(
                    "--ranks and --batch must be at least 1, not " + ranks + " and " + batch);
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
            throw new IllegalArgumentException(
                    "--policy " + policy + " (--lookahead " + lookahead + "): " + e.getMessage(), e);
        }
        return new DecodeLogSettings(cluster, policySpec, lookahead, granularity, jitter, seed);
    }

    Workload workload(String command) {
        if (trace.isSet() && synthetic != null) {
            throw new IllegalArgumentException(
                    command + " takes one workload: --workload FILE or --synthetic SPEC, " + "not both");
        }
        if (synthetic == null && !trace.orShippedTrace()) {
            throw new IllegalArgumentException(command + " needs a workload: --workload FILE or --synthetic SPEC ("
                    + ShippedTrace.missingHint() + ")");
        }
        return synthetic != null ? Workloads.synthetic(synthetic, timeScale, trace.limit) : trace.read(timeScale);
    }
}
