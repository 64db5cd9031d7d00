package io.dpbalance.datagen.kafka;

import java.util.List;

/** The topics of docs/design.md §6, by their default names; a deployment may put a common prefix in front of each. */
public final class SpecTopics {

    public static final String REQUESTS = "dp.requests";
    public static final String TOKEN_EVENTS = "dp.token-events";
    public static final String RANK_STEPS = "dp.rank-steps";
    public static final String STEP_METRICS = "dp.step-metrics";
    public static final String WINDOW_METRICS = "dp.window-metrics";
    public static final String ASSIGNMENTS = "dp.assignments";
    public static final String DEAD_LETTER = "dp.dead-letter";

    /** All of them, in the order of the spec's table. */
    public static final List<String> ALL =
            List.of(REQUESTS, TOKEN_EVENTS, RANK_STEPS, STEP_METRICS, WINDOW_METRICS, ASSIGNMENTS, DEAD_LETTER);

    private SpecTopics() {}

    static void requireSpecTopic(String name, String flag) {
        if (!ALL.contains(name)) {
            throw new IllegalArgumentException(flag + ": '" + name + "' is not a spec topic; expected one of "
                    + String.join(", ", ALL) + " (without --prefix)");
        }
    }
}
