package io.dpbalance.cli;

import io.dpbalance.engine.trace.WorkloadException;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bin/dpbalance}: the simulator's command line (docs/design.md §10). */
@Command(
        name = "dpbalance",
        mixinStandardHelpOptions = true,
        version = "dpbalance 0.1.0",
        description = "Measure and remove the idle time that step barriers cost data-parallel LLM decoding.",
        subcommands = {SimulateCommand.class, SweepCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line; tests execute it with their own output streams. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof IllegalArgumentException
                    || ex instanceof IllegalStateException
                    || ex instanceof WorkloadException
                    || ex instanceof UncheckedIOException) {
                commandLine.getErr().println("dpbalance " + commandLine.getCommandName() + ": " + ex.getMessage());
                return 2;
            }
            throw ex;
        });
        for (String name : new String[] {"simulate", "sweep"}) {
            cli.getSubcommands()
                    .get(name)
                    .getCommandSpec()
                    .usageMessage()
                    .footer("", "Policies (docs/design.md §5):", SimulateCommand.policyHelp());
        }
        return cli;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
