package io.dpbalance.jobs.common;

import picocli.CommandLine.Option;

/**
 * The engine's step-time and power models (a picocli mixin). The analytics job prices only steps without a measured
 * step time and the shadow job sizes its clusters with --batch, so each job's help resource bundle describes --batch
 * and --cost-model (keys {@code batch}, {@code cost-model}).
 */
public final class CostModelOptions {

    @Option(names = "--batch", paramLabel = "B", defaultValue = "72", descriptionKey = "batch")
    public int batch;

    @Option(names = "--cost-model", paramLabel = "MODEL", defaultValue = "reference", descriptionKey = "cost-model")
    public String costModel;

    @Option(
            names = "--power-profile",
            paramLabel = "NAME",
            defaultValue = "reference",
            description = "reference, a100, h100, h200 or idle=W,max=W,gamma=G. Default ${DEFAULT-VALUE}.")
    public String powerProfile;
}
