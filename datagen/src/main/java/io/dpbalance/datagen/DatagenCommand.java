package io.dpbalance.datagen;

import io.dpbalance.datagen.kafka.TailCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bin/dpbalance datagen replay|decode-log|synth|tail}: docs/design.md §6 records into Kafka or files, and back. */
@Command(
        name = "datagen",
        mixinStandardHelpOptions = true,
        description = {
            "Generate the records of docs/design.md §6 into Kafka (default: the local broker, 127.0.0.1:9092) or, "
                    + "with --out DIR, into Avro container and JSON lines files.",
            "tail prints a topic's records as JSON lines.",
            "At the end each generating subcommand prints, per topic, the records written, bytes, seconds and records/s. "
                    + "SIGINT or SIGTERM stops it cleanly: what was generated is flushed, the files closed, the "
                    + "summary printed."
        },
        subcommands = {
            ReplayCommand.class,
            DecodeLogCommand.class,
            SglangLogCommand.class,
            SynthCommand.class,
            TailCommand.class
        })
public final class DatagenCommand implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
