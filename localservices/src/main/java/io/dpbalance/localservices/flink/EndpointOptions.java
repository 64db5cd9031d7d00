package io.dpbalance.localservices.flink;

import java.io.IOException;
import java.nio.file.Files;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Which REST endpoint a command talks to: the local cluster of {@code --dir}, or any {@code --jobmanager}. */
final class EndpointOptions {

    @Mixin
    FlinkDir home;

    @Option(
            names = "--jobmanager",
            paramLabel = "HOST:PORT",
            description = "REST endpoint of any Flink cluster (as `bin/dpbalance analytics --jobmanager`), instead "
                    + "of the local cluster of --dir.")
    String jobmanager;

    JobManager jobManager() throws IOException {
        if (jobmanager != null) {
            int colon = jobmanager.lastIndexOf(':');
            if (colon <= 0 || !jobmanager.substring(colon + 1).matches("[0-9]{1,5}")) {
                throw new IllegalArgumentException("--jobmanager: expected HOST:PORT, got '" + jobmanager + "'");
            }
            return new JobManager(jobmanager);
        }
        ClusterHome h = home.home();
        if (!Files.exists(h.configFile)) {
            throw new IllegalStateException("no Flink cluster was started in " + h.dir + " (start one with: "
                    + "bin/dpbalance flink start" + home.flag() + ", or name one with --jobmanager HOST:PORT)");
        }
        return new JobManager(ClusterConfig.restEndpoint(ClusterConfig.read(h)));
    }
}
