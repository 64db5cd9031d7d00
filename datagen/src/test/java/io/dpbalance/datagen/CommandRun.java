package io.dpbalance.datagen;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * One execution of the datagen command line with captured output.
 *
 * @param result what the executed subcommand returned (a generation's result), or null
 */
public record CommandRun(int exit, String out, String err, Object result) {

    public static CommandRun of(String... args) {
        CommandLine cli = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        Object result = null;
        ParseResult parsed = cli.getParseResult();
        if (parsed != null) {
            while (parsed.hasSubcommand()) {
                parsed = parsed.subcommand();
            }
            result = parsed.commandSpec().commandLine().getExecutionResult();
        }
        return new CommandRun(exit, out.toString(), err.toString(), result);
    }
}
