package io.dpbalance.flinkcluster;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * {@code bin/dpbalance flink start|stop|status|jobs|cancel|stop-job}: a Flink standalone session cluster (a JobManager and N
 * TaskManagers, each its own process, loopback only) run from the Maven artifacts, for development and the end-to-end
 * test of the shaded job jar.
 */
@Command(name = "dpbalance flink",
        mixinStandardHelpOptions = true,
        version = "dpbalance 0.1.0 (Flink 2.2.1)",
        description = {"Run a local Flink standalone session cluster (127.0.0.1 only) in the background: one "
                + "JobManager and --taskmanagers TaskManagers, each its own JVM.",
            "Its configuration, logs, checkpoints and pid files live under --dir (default var/flink)."},
        subcommands = {StartCommand.class, StopCommand.class, StatusCommand.class, JobsCommand.class,
            CancelCommand.class, StopJobCommand.class})
public final class FlinkCommand implements Runnable {

    /** Exit code of {@code status} when no cluster runs, as LSB init scripts use it. */
    static final int NOT_RUNNING = 3;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line; tests execute it with their own output streams. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new FlinkCommand());
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof IllegalArgumentException || ex instanceof IllegalStateException
                    || ex instanceof IOException || ex instanceof UncheckedIOException) {
                commandLine.getErr().println(commandLine.getCommandSpec().qualifiedName(" ") + ": " + ex.getMessage());
                return 1;
            }
            throw ex;
        });
        return cli;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
