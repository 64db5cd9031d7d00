package io.dpbalance.bench;

import java.io.IOException;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the dpbalance JMH benchmarks and prints JMH's usual report. Arguments are JMH's own command line
 * ({@code -f 1 -wi 2 -p ranks=32 -prof gc BfioDecision ...}); whatever they leave unset gets defaults sized for a
 * small shared machine: 1 fork, 3 warmup and 5 measurement iterations of 2 s each, all benchmarks of this package.
 */
public final class Bench {

    private Bench() {}

    public static void main(String[] args) throws CommandLineOptionException, IOException, RunnerException {
        CommandLineOptions cli = new CommandLineOptions(args);
        if (cli.shouldHelp()) {
            cli.showHelp();
            return;
        }
        if (cli.shouldListProfilers()) {
            cli.listProfilers();
            return;
        }
        if (cli.shouldListResultFormats()) {
            cli.listResultFormats();
            return;
        }
        // The builder's own values win over its parent's, so defaults are set only where the command line is silent.
        OptionsBuilder options = new OptionsBuilder();
        options.parent(cli);
        if (cli.getIncludes().isEmpty()) {
            options.include(Bench.class.getPackageName() + "\\.");
        }
        if (!cli.getForkCount().hasValue()) {
            options.forks(1);
        }
        if (!cli.getWarmupIterations().hasValue()) {
            options.warmupIterations(3);
        }
        if (!cli.getWarmupTime().hasValue()) {
            options.warmupTime(TimeValue.seconds(2));
        }
        if (!cli.getMeasurementIterations().hasValue()) {
            options.measurementIterations(5);
        }
        if (!cli.getMeasurementTime().hasValue()) {
            options.measurementTime(TimeValue.seconds(2));
        }
        Runner runner = new Runner(options.build());
        if (cli.shouldList()) {
            runner.list();
        } else if (cli.shouldListWithParams()) {
            runner.listWithParams(cli);
        } else {
            runner.run();
        }
    }
}
