package io.dpbalance.cli;

import io.dpbalance.engine.metrics.CostModel;
import io.dpbalance.engine.metrics.PowerProfile;
import io.dpbalance.engine.sim.ClusterConfig;
import picocli.CommandLine.Option;

/** The simulated cluster's cost model and power profile, shared by simulate and sweep. */
final class ClusterOptions {

    @Option(
            names = "--pool",
            paramLabel = "R",
            description = "Pool mode: top the pool up to R requests before every policy call (default 4 x ranks).")
    int pool;

    @Option(
            names = "--power-profile",
            paramLabel = "NAME",
            defaultValue = "reference",
            description = "reference (100 W idle, 400 W peak, gamma 0.7: the paper's), a100, h100, h200, or "
                    + "idle=W,max=W,gamma=G. Default ${DEFAULT-VALUE}.")
    String powerProfile;

    @Option(
            names = "--cost-model",
            paramLabel = "MODEL",
            defaultValue = "reference",
            description = "Step time: reference (C + t_tok * max L with the paper's DeepSeek-V3-like constants, C "
                    + "depending on the batch) or affine:c=SECONDS,t=SECONDS_PER_TOKEN. Default ${DEFAULT-VALUE}.")
    String costModel;

    ClusterConfig config(int ranks, int batch) {
        return new ClusterConfig(ranks, batch, CostModel.parse(costModel, batch), PowerProfile.parse(powerProfile));
    }
}
