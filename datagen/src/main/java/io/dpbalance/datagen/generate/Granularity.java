package io.dpbalance.datagen.generate;

import java.util.Locale;

/** Which of the two granularities of a decode log to write (docs/design.md §6): per request per step, per rank per step, or both. */
public enum Granularity {
    /** {@code TokenEvent}s: one per running request per step. */
    TOKEN,
    /** {@code RankStep}s: one per rank per step. */
    RANK,
    BOTH;

    public static Granularity parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--granularity: '" + text + "' is not one of token, rank, both");
        }
    }

    boolean tokens() {
        return this != RANK;
    }

    boolean ranks() {
        return this != TOKEN;
    }
}
