package io.dpbalance.jobs.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the datagen command line ({@code bin/dpbalance datagen ...}, {@code topics ...}) in the test JVM. */
public final class DatagenRun {

    private DatagenRun() {}

    /** Runs the command and fails the test, with what it printed, unless it exits 0. */
    public static void datagen(String... args) {
        CommandLine cli = io.dpbalance.datagen.Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        assertThat(exit).as("%s\n%s\n%s", String.join(" ", args), out, err).isZero();
    }
}
