package io.dpbalance.jobs.common;

import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * Event time (a picocli mixin): the windows of dp.window-metrics and the watermark's bounds. What a window and a late
 * record are differs between the jobs, so each job's help resource bundle describes --window and --out-of-orderness
 * (keys {@code window}, {@code out-of-orderness}).
 */
public final class EventTimeOptions {

    @Option(
            names = "--window",
            paramLabel = "DURATION",
            defaultValue = "10s",
            converter = DurationConverter.class,
            descriptionKey = "window")
    public Duration window;

    @Option(
            names = "--out-of-orderness",
            paramLabel = "DURATION",
            defaultValue = "2s",
            converter = DurationConverter.class,
            descriptionKey = "out-of-orderness")
    public Duration outOfOrderness;

    @Option(
            names = "--idleness",
            paramLabel = "DURATION",
            defaultValue = "30s",
            converter = DurationConverter.class,
            description = "A partition without records for this long stops holding the watermark back. Default "
                    + "${DEFAULT-VALUE}.")
    public Duration idleness;
}
