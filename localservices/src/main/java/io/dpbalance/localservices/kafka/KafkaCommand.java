package io.dpbalance.localservices.kafka;

import io.dpbalance.localservices.process.ServiceCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code bin/dpbalance kafka start|stop|status}: a single-node Kafka broker (KRaft, broker and controller in one
 * process, loopback only) run from the Maven artifacts, for development and the end-to-end tests.
 */
@Command(
        name = "dpbalance kafka",
        mixinStandardHelpOptions = true,
        version = "dpbalance 0.1.0 (Kafka 4.2.0)",
        description = {
            "Run a local Kafka broker (KRaft, 127.0.0.1 only) in the background.",
            "Its configuration, data, logs and pid file live under --dir (default var/kafka)."
        },
        subcommands = {StartCommand.class, StopCommand.class, StatusCommand.class})
public final class KafkaCommand implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line; tests and the demo execute it with their own output streams. */
    public static CommandLine commandLine() {
        return ServiceCommand.commandLine(new KafkaCommand());
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
