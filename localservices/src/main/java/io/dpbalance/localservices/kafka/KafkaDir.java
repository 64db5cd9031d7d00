package io.dpbalance.localservices.kafka;

import io.dpbalance.localservices.process.ServiceCommand;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --dir}: which local broker a command acts on. */
final class KafkaDir {

    private static final String DEFAULT = "var/kafka";

    @Option(
            names = "--dir",
            paramLabel = "DIR",
            defaultValue = DEFAULT,
            description = "Folder of the broker's server.properties, data/, logs/ and kafka.pid "
                    + "(relative to the project root). Default ${DEFAULT-VALUE}.")
    Path dir;

    BrokerHome home() {
        return new BrokerHome(dir);
    }

    /** The --dir flag to repeat in a hint, empty for the default folder. */
    String flag() {
        return ServiceCommand.dirFlag(dir, DEFAULT);
    }
}
