package io.dpbalance.datagen;

import io.dpbalance.datagen.generate.Generation;
import io.dpbalance.datagen.generate.GenerationResult;
import io.dpbalance.datagen.generate.Generator;
import io.dpbalance.datagen.sink.RecordSink;
import java.time.Instant;
import java.util.List;
import java.util.function.BiFunction;
import picocli.CommandLine.Model.CommandSpec;

/** What every generating subcommand does once its own flags are read: open the output, generate, print the summary. */
final class GeneratorLauncher {

    private GeneratorLauncher() {}

    /**
     * Checks the shared flags, makes the generator (which reads its workload), opens the output and runs the
     * generation with a clean stop on SIGINT and SIGTERM.
     *
     * @param make the subcommand's generator for these cluster ids and this epoch time of time 0
     * @return what was written, also printed as the summary on the command's standard output
     */
    static GenerationResult launch(
            CommandSpec spec,
            OutputOptions output,
            GenerationOptions generation,
            BiFunction<List<String>, Instant, Generator> make) {
        output.validate();
        List<String> clusters = generation.clusterIds();
        boolean paced = generation.paced(output.toKafka());
        Generator generator = make.apply(clusters, generation.start(paced));
        RecordSink sink = output.open(generator.topics());
        return new Generation(
                        spec.name(), generator, sink, paced, spec.commandLine().getOut())
                .run(true);
    }
}
