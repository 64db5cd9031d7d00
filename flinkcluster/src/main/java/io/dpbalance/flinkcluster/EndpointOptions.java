package io.dpbalance.flinkcluster;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;

/** Which REST endpoint a command talks to: the local cluster of {@code --dir}, or any {@code --jobmanager}. */
final class EndpointOptions {

    @Mixin
    HomeOption home;

    @Option(names = "--jobmanager", paramLabel = "HOST:PORT",
            description = "REST endpoint of any Flink cluster (as `bin/dpbalance analytics --jobmanager`), instead "
                    + "of the local cluster of --dir.")
    String jobmanager;

    FlinkRest rest() throws IOException {
        if (jobmanager != null) {
            int colon = jobmanager.lastIndexOf(':');
            if (colon <= 0 || !jobmanager.substring(colon + 1).matches("[0-9]{1,5}")) {
                throw new IllegalArgumentException("--jobmanager: expected HOST:PORT, got '" + jobmanager + "'");
            }
            return new FlinkRest(jobmanager);
        }
        ClusterHome h = home.home();
        if (!Files.exists(h.configFile)) {
            throw new IllegalStateException("no Flink cluster was started in " + h.dir + " (start one with: "
                    + "bin/dpbalance flink start" + home.flag() + ", or name one with --jobmanager HOST:PORT)");
        }
        return new FlinkRest(ClusterConfig.restEndpoint(h));
    }

    /** The flags that name this cluster again, for a hint. */
    String flags() {
        return jobmanager != null ? " --jobmanager " + jobmanager : home.flag();
    }
}
