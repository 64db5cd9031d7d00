package io.dpbalance.localservices.flink;

import io.dpbalance.localservices.process.ServiceCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code bin/dpbalance flink start|stop|status|jobs|cancel|stop-job}: a Flink standalone session cluster (a JobManager and N
 * TaskManagers, each its own process, loopback only) run from the Maven artifacts, for development and the end-to-end
 * test of the shaded job jar.
 */
@Command(
        name = "dpbalance flink",
        mixinStandardHelpOptions = true,
        version = "dpbalance 0.1.0 (Flink 2.2.1)",
        description = {
            "Run a local Flink standalone session cluster (127.0.0.1 only) in the background: one "
                    + "JobManager and --taskmanagers TaskManagers, each its own JVM.",
            "Its configuration, logs, checkpoints and pid files live under --dir (default var/flink)."
        },
        subcommands = {
            StartCommand.class,
            StopCommand.class,
            StatusCommand.class,
            JobsCommand.class,
            CancelCommand.class,
            StopJobCommand.class
        })
public final class FlinkCommand implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line; tests execute it with their own output streams. */
    public static CommandLine commandLine() {
        return ServiceCommand.commandLine(new FlinkCommand());
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
