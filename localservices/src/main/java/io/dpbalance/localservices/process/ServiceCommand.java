package io.dpbalance.localservices.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import picocli.CommandLine;

/** What the {@code kafka} and {@code flink} command lines share: exit codes, error reporting, the --dir hint. */
public final class ServiceCommand {

    /** Exit code of {@code status} when the service does not run, as LSB init scripts use it. */
    public static final int NOT_RUNNING = 3;

    private ServiceCommand() {}

    /**
     * The command line of {@code root}: an expected failure (a bad flag value, a busy port, a service that does not
     * answer, an I/O error) is one line on stderr and exit code 1, not a stack trace.
     */
    public static CommandLine commandLine(Object root) {
        CommandLine cli = new CommandLine(root);
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof IllegalArgumentException
                    || ex instanceof IllegalStateException
                    || ex instanceof IOException
                    || ex instanceof UncheckedIOException) {
                commandLine.getErr().println(commandLine.getCommandSpec().qualifiedName(" ") + ": " + ex.getMessage());
                return 1;
            }
            throw ex;
        });
        return cli;
    }

    /** The --dir flag to repeat in a hint, empty for the default folder. */
    public static String dirFlag(Path dir, String defaultDir) {
        return dir.equals(Path.of(defaultDir)) ? "" : " --dir " + dir;
    }
}
