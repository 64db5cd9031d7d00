package io.dpbalance.flinkcluster;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code --dir}: which local Flink cluster a command acts on. */
final class HomeOption {

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "var/flink",
            description = "Folder of the cluster's conf/, log/, tmp/, checkpoints/ and pid files "
                    + "(relative to the project root). Default ${DEFAULT-VALUE}.")
    Path dir;

    ClusterHome home() {
        return new ClusterHome(dir);
    }

    /** The --dir flag to repeat in a hint, empty for the default folder. */
    String flag() {
        return dir.equals(Path.of("var/flink")) ? "" : " --dir " + dir;
    }
}
