package io.dpbalance.localservices.flink;

import io.dpbalance.localservices.process.ServiceCommand;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --dir}: which local Flink cluster a command acts on. */
final class FlinkDir {

    private static final String DEFAULT = "var/flink";

    @Option(
            names = "--dir",
            paramLabel = "DIR",
            defaultValue = DEFAULT,
            description = "Folder of the cluster's conf/, log/, tmp/, checkpoints/ and pid files "
                    + "(relative to the project root). Default ${DEFAULT-VALUE}.")
    Path dir;

    ClusterHome home() {
        return new ClusterHome(dir);
    }

    /** The --dir flag to repeat in a hint, empty for the default folder. */
    String flag() {
        return ServiceCommand.dirFlag(dir, DEFAULT);
    }
}
