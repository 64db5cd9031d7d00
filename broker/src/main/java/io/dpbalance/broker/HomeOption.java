package io.dpbalance.broker;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code --dir}: which local broker a command acts on. */
final class HomeOption {

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "var/kafka",
            description = "Folder of the broker's server.properties, data/, logs/ and kafka.pid "
                    + "(relative to the project root). Default ${DEFAULT-VALUE}.")
    Path dir;

    BrokerHome home() {
        return new BrokerHome(dir);
    }

    /** The --dir flag to repeat in a hint, empty for the default folder. */
    String flag() {
        return dir.equals(Path.of("var/kafka")) ? "" : " --dir " + dir;
    }
}
