package io.dpbalance.jobs.common;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The bounded file mode (a picocli mixin): Avro container files in, JSON lines out, instead of Kafka. */
public final class FileOptions {

    @Option(
            names = "--input-files",
            paramLabel = "DIR",
            description =
                    "Batch mode: read <DIR>/<topic>.avro (Avro container files, as the datagen writes them) instead "
                            + "of Kafka.")
    public Path inputFiles;

    @Option(
            names = "--output-files",
            paramLabel = "DIR",
            description =
                    "Batch mode: write JSON lines (field names of the .avsc) under <DIR>/<topic>/ instead of Kafka.")
    public Path outputFiles;

    /** Whether the job reads files (batch mode) rather than Kafka; checks the two file flags go together. */
    public boolean fileMode() {
        if ((inputFiles == null) != (outputFiles == null)) {
            throw new IllegalArgumentException("--input-files and --output-files go together (batch mode)");
        }
        return inputFiles != null;
    }
}
