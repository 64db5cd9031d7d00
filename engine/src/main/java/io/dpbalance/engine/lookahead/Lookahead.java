package io.dpbalance.engine.lookahead;

/**
 * What a policy may know of the future: the predicted remaining decode steps of a running request (docs/design.md §5).
 * Only {@link OracleLookahead} looks at the true output length.
 */
public interface Lookahead {

    /** Returned when a request's end cannot be predicted: it is assumed to keep running through any horizon. */
    int UNKNOWN = Integer.MAX_VALUE;

    /** The spec name, e.g. {@code oracle}, {@code noisy:0.2}, {@code none}, {@code hazard}, {@code learned}. */
    String name();

    /**
     * Predicted decode steps until the request finishes (>= 1), or {@link #UNKNOWN}.
     *
     * @param sequence     the request's position in its workload (seeds per-request noise)
     * @param generated    tokens generated so far, {@code a_j}
     * @param outputTokens the true output length {@code o_j}; only the oracle may use it
     */
    int remaining(long sequence, int generated, int outputTokens);

    /**
     * Probability that the request is still running {@code steps} steps ahead. Point predictions (the default)
     * give 1 before {@link #remaining} and 0 from it on.
     */
    default double survival(long sequence, int generated, int outputTokens, int steps) {
        int remaining = remaining(sequence, generated, outputTokens);
        return remaining == UNKNOWN || steps < remaining ? 1.0 : 0.0;
    }

    /**
     * {@link #survival(long, int, int, int)} for a request whose prompt length is known ({@code promptTokens <= 0}:
     * unknown, e.g. a request not yet placed). Lookaheads that condition on the prompt override this.
     */
    default double survival(long sequence, int promptTokens, int generated, int outputTokens, int steps) {
        return survival(sequence, generated, outputTokens, steps);
    }

    /**
     * The horizon BF-IO should look ahead at this decision, at most {@code max} (its configured {@code h}). Lookaheads
     * that measure their own confidence shorten it, down to 0 when they know nothing useful; the others keep it.
     */
    default int horizon(int max) {
        return max;
    }

    /** Whether {@link #survival} gives a learned distribution rather than a point prediction. */
    default boolean predictsDistributions() {
        return false;
    }

    /** Called once per finished request, with its true output length (what production learns when it ends). */
    default void onFinished(int outputTokens) {}

    /** {@link #onFinished(int)} with the request's prompt length too (what the cluster calls). */
    default void onFinished(int promptTokens, int outputTokens) {
        onFinished(outputTokens);
    }

    /** Called before each policy decision; learned lookaheads refresh their estimates here. */
    default void beforeDecision() {}

    /** What the lookahead has learned, for checkpoints; stateless lookaheads keep nothing. */
    default long[] saveState() {
        return new long[0];
    }

    /** Restores what {@link #saveState} returned. */
    default void restoreState(long[] state) {}

    /** Parses {@code oracle | noisy:D | none | hazard | learned[:key=value...]}. */
    static Lookahead parse(String text, long seed) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        if (t.equals("oracle")) {
            return new OracleLookahead();
        }
        if (t.equals("none")) {
            return new NoLookahead();
        }
        if (t.equals("hazard")) {
            return new HazardLookahead();
        }
        if (t.equals("learned") || t.startsWith("learned:")) {
            return LearnedLookahead.parse(text.trim(), t.substring("learned".length()));
        }
        if (t.startsWith("noisy:")) {
            String d = t.substring("noisy:".length());
            double delta;
            try {
                delta = Double.parseDouble(d);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "lookahead '" + text + "': noisy:D needs a number D in [0, 1), got '" + d + "'");
            }
            return new NoisyLookahead(delta, seed);
        }
        throw new IllegalArgumentException(
                "unknown lookahead '" + text + "'; expected oracle, noisy:D, none, hazard or learned");
    }
}
