package io.dpbalance.cli;

import io.dpbalance.engine.trace.WorkloadException;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.UsageMessageSpec;

/** {@code bin/dpbalance}: the simulator's command line (docs/design.md §10). */
@Command(
        name = "dpbalance",
        mixinStandardHelpOptions = true,
        version = "dpbalance 0.1.0",
        description = "Measure and remove the idle time that step barriers cost data-parallel LLM decoding.")
public final class Main implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine(args.length > 0 ? args[0] : "").execute(args));
    }

    /** The configured command line; tests execute it with their own output streams. */
    public static CommandLine commandLine() {
        return commandLine("");
    }

    /**
     * The command line with only the subcommand {@code first} names when it names one: picocli builds a command's
     * model from its annotations by reflection, and a fresh JVM's {@code simulate} need not pay for {@code sweep}'s
     * (docs/measurements.md, "Fresh-JVM simulate"). Any other first argument gets both, for the usage and picocli's
     * suggestions.
     */
    static CommandLine commandLine(String first) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler(new ErrorHandler());
        if (!first.equals("sweep")) {
            cli.addSubcommand(new SimulateCommand());
        }
        if (!first.equals("simulate")) {
            cli.addSubcommand(new SweepCommand());
        }
        for (CommandLine sub : cli.getSubcommands().values()) {
            sub.getCommandSpec()
                    .usageMessage()
                    .sectionMap()
                    .put(UsageMessageSpec.SECTION_KEY_FOOTER, new PolicyFooter());
        }
        return cli;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The user's errors as one line and exit code 2; anything else is a bug and keeps its stack trace. */
    private static final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception ex, CommandLine commandLine, CommandLine.ParseResult parseResult)
                throws Exception {
            if (ex instanceof IllegalArgumentException
                    || ex instanceof IllegalStateException
                    || ex instanceof WorkloadException
                    || ex instanceof UncheckedIOException) {
                commandLine.getErr().println("dpbalance " + commandLine.getCommandName() + ": " + ex.getMessage());
                return 2;
            }
            throw ex;
        }
    }

    /** The policies' help below a command's options, made when the help is shown, not on every start. */
    private static final class PolicyFooter implements CommandLine.IHelpSectionRenderer {
        @Override
        public String render(CommandLine.Help help) {
            help.commandSpec().usageMessage().footer("", "Policies (docs/design.md §5):", SimulateCommand.policyHelp());
            return help.footer();
        }
    }
}
