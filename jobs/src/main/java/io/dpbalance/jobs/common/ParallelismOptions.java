package io.dpbalance.jobs.common;

import picocli.CommandLine.Option;

/** Parallelism and max parallelism (a picocli mixin). */
public final class ParallelismOptions {

    @Option(names = "--parallelism", paramLabel = "N", description = "Default parallelism (default: Flink's).")
    public Integer parallelism;

    @Option(
            names = "--max-parallelism",
            paramLabel = "N",
            defaultValue = "128",
            description = "Max parallelism: the number of key groups, fixed for the life of the job's state. Default "
                    + "${DEFAULT-VALUE}.")
    public int maxParallelism;
}
