package io.dpbalance.jobs.common;

import java.time.Duration;
import picocli.CommandLine.Option;

/** Where a job runs (a picocli mixin): an embedded MiniCluster, or submitted to a Flink cluster's REST endpoint. */
public final class ClusterOptions {

    @Option(
            names = "--jobmanager",
            paramLabel = "HOST:PORT",
            description =
                    "Submit the shaded job jar to this Flink cluster's REST endpoint (e.g. the one of `bin/dpbalance "
                            + "flink start`) instead of running on an embedded MiniCluster; returns once all its tasks run, with its id.")
    public String jobmanager;

    @Option(
            names = "--submission-timeout",
            paramLabel = "DURATION",
            defaultValue = "60s",
            converter = DurationConverter.class,
            description =
                    "With --jobmanager: how long every task of the submitted job may take to run (tasks wait for free "
                            + "task slots; the run says so when the cluster has too few) before this run fails, leaving the job "
                            + "submitted. Default ${DEFAULT-VALUE}.")
    public Duration submissionTimeout;
}
