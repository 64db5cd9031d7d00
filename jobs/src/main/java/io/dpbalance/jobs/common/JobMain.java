package io.dpbalance.jobs.common;

import java.io.PrintStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;

/** A job's {@code main}: flags parsed by picocli, usage errors said in one line with exit code 2. */
public final class JobMain {

    private JobMain() {}

    /**
     * Parses, prints help, runs; a usage error prints the message and exits 2. Never exits after a run, and never exits
     * inside a Flink cluster (application mode, a jar run over REST: {@code main} runs in the JobManager, which
     * {@code System.exit} would end): there a usage error is thrown, and the cluster reports it.
     */
    public static void main(String command, Runnable job, String[] args) {
        CommandLine cli = new CommandLine(job);
        try {
            cli.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            if (ClusterSubmission.insideCluster(StreamExecutionEnvironment.getExecutionEnvironment())) {
                throw new IllegalArgumentException("dpbalance " + command + ": " + e.getMessage(), e);
            }
            fail(command, e.getMessage());
            return;
        }
        if (cli.isUsageHelpRequested()) {
            cli.usage(System.out);
            return;
        }
        if (cli.isVersionHelpRequested()) {
            cli.printVersionHelp(System.out);
            return;
        }
        try {
            job.run();
        } catch (IllegalArgumentException e) {
            if (ClusterSubmission.insideCluster(StreamExecutionEnvironment.getExecutionEnvironment())) {
                throw e;
            }
            fail(command, e.getMessage());
        } catch (SubmissionFailure e) {
            System.err.println("dpbalance " + command + ": " + e.getMessage());
            System.exit(1);
        }
    }

    private static void fail(String command, String message) {
        PrintStream err = System.err;
        err.println("dpbalance " + command + ": " + message);
        err.println("(bin/dpbalance " + command + " --help lists the options)");
        System.exit(2);
    }
}
