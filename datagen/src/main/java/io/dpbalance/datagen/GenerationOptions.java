package io.dpbalance.datagen;

import io.dpbalance.datagen.generate.Clusters;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import picocli.CommandLine.Option;

/** How many clusters, and how generated time maps to the wall clock and to epoch time. */
final class GenerationOptions {

    /** Time 0 of unpaced runs: fixed, so that the same arguments give the same records. */
    static final Instant FIXED_START = Instant.parse("2026-01-01T00:00:00Z");

    @Option(
            names = "--clusters",
            paramLabel = "N",
            defaultValue = "1",
            description = "Generate for N clusters at once, ids <cluster-prefix>0 .. N-1. Every cluster gets the same "
                    + "workload; cluster i uses seed + i. Default ${DEFAULT-VALUE}.")
    int clusters;

    @Option(
            names = "--cluster-prefix",
            paramLabel = "PREFIX",
            defaultValue = "cluster-",
            description = "Cluster ids are this prefix and a number. Default ${DEFAULT-VALUE}.")
    String clusterPrefix;

    @Option(
            names = "--start-time",
            paramLabel = "INSTANT",
            description = "Epoch time of the workload's time 0, as 2026-01-01T00:00:00Z or epoch milliseconds. "
                    + "Default: now when producing to Kafka paced; 2026-01-01T00:00:00Z otherwise (files, "
                    + "--as-fast-as-possible), so that output is deterministic.")
    String startTime;

    @Option(
            names = "--as-fast-as-possible",
            description = "Produce to Kafka as fast as records are made instead of pacing them at their event time "
                    + "(paced is the default for Kafka; files are always written as fast as possible).")
    boolean asFastAsPossible;

    List<String> clusterIds() {
        return Clusters.ids(clusterPrefix, clusters);
    }

    /** Whether records wait for their event time: only when producing to Kafka, unless asked not to. */
    boolean paced(boolean toKafka) {
        return toKafka && !asFastAsPossible;
    }

    Instant start(boolean paced) {
        if (startTime == null) {
            return paced ? Instant.ofEpochMilli(System.currentTimeMillis()) : FIXED_START;
        }
        String text = startTime.trim();
        try {
            return text.chars().allMatch(Character::isDigit) && !text.isEmpty()
                    ? Instant.ofEpochMilli(Long.parseLong(text))
                    : Instant.parse(text);
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new IllegalArgumentException("--start-time: '" + startTime + "' is neither an ISO-8601 instant "
                    + "(2026-01-01T00:00:00Z) nor epoch milliseconds");
        }
    }
}
