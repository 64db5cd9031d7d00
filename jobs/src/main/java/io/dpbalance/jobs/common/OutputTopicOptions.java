package io.dpbalance.jobs.common;

import picocli.CommandLine.Option;

/**
 * The output topics both jobs write (a picocli mixin), as in docs/design.md §6. Each job's help resource bundle says
 * which StepMetrics --step-metrics writes (key {@code step-metrics}).
 */
public final class OutputTopicOptions {

    public static final String STEP_METRICS = "dp.step-metrics";
    public static final String WINDOW_METRICS = "dp.window-metrics";
    public static final String DEAD_LETTER = "dp.dead-letter";

    @Option(names = "--step-metrics-topic", defaultValue = STEP_METRICS, description = "Default ${DEFAULT-VALUE}.")
    public String stepMetricsTopic;

    @Option(names = "--window-metrics-topic", defaultValue = WINDOW_METRICS, description = "Default ${DEFAULT-VALUE}.")
    public String windowMetricsTopic;

    @Option(names = "--dead-letter-topic", defaultValue = DEAD_LETTER, description = "Default ${DEFAULT-VALUE}.")
    public String deadLetterTopic;

    @Option(
            names = "--step-metrics",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            descriptionKey = "step-metrics")
    public boolean stepMetrics;
}
