package io.dpbalance.localservices.process;

import picocli.CommandLine.Option;

/** {@code stop --timeout}: how long a clean shutdown (SIGTERM) may take before SIGKILL. */
public final class StopTimeout {

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            defaultValue = "30",
            description = "How long a clean shutdown may take before a process is killed. Default ${DEFAULT-VALUE}.")
    public int seconds;
}
