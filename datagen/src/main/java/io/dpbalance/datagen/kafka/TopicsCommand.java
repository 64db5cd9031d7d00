package io.dpbalance.datagen.kafka;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bin/dpbalance topics create|list|describe}. */
@Command(
        name = "topics",
        mixinStandardHelpOptions = true,
        description = "Create, list and describe the spec's seven dp.* Kafka topics.",
        subcommands = {CreateTopicsCommand.class, ListTopicsCommand.class, DescribeTopicsCommand.class})
public final class TopicsCommand implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
