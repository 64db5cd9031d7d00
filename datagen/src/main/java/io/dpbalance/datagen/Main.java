package io.dpbalance.datagen;

import io.dpbalance.datagen.kafka.SpecTopics;
import io.dpbalance.datagen.kafka.TopicsCommand;
import io.dpbalance.engine.trace.WorkloadException;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bin/dpbalance} commands that talk to Kafka: the topics and the data generators. */
@Command(
        name = "dpbalance",
        mixinStandardHelpOptions = true,
        version = "dpbalance 0.1.0",
        description = "Kafka-side tools of dpbalance.",
        subcommands = {TopicsCommand.class, DatagenCommand.class, IngestCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * The configured command line; tests execute it with their own output streams. A bad flag value or input file
     * exits 2, like a usage error; a cluster that cannot be reached or refuses a request exits 1.
     */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            String prefix = commandLine.getCommandSpec().qualifiedName(" ") + ": ";
            if (ex instanceof IllegalArgumentException || ex instanceof WorkloadException) {
                commandLine.getErr().println(prefix + ex.getMessage());
                return 2;
            }
            if (ex instanceof IllegalStateException || ex instanceof UncheckedIOException) {
                commandLine.getErr().println(prefix + ex.getMessage());
                return 1;
            }
            throw ex;
        });
        cli.getSubcommands()
                .get("topics")
                .getSubcommands()
                .get("create")
                .getCommandSpec()
                .usageMessage()
                .footer(SpecTopics.ALL.stream().map(t -> "  " + t).toArray(String[]::new));
        return cli;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
