package io.dpbalance.engine.lookahead;

/**
 * What a policy may know of the future: the predicted remaining decode steps of a running request (docs/design.md §5).
 * Only {@link OracleLookahead} looks at the true output length.
 */
public interface Lookahead {

    /** Returned when a request's end cannot be predicted: it is assumed to keep running through any horizon. */
    int UNKNOWN = Integer.MAX_VALUE;

    /** The spec name, e.g. {@code oracle}, {@code noisy:0.2}, {@code none}, {@code hazard}. */
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

    /** Whether {@link #survival} gives a learned distribution rather than a point prediction. */
    default boolean predictsDistributions() {
        return false;
    }

    /** Called once per finished request, with its true output length (what production learns when it ends). */
    default void onFinished(int outputTokens) {
    }

    /** Called before each policy decision; learned lookaheads refresh their estimates here. */
    default void beforeDecision() {
    }

    /** What the lookahead has learned, for checkpoints; stateless lookaheads keep nothing. */
    default long[] saveState() {
        return new long[0];
    }

    /** Restores what {@link #saveState} returned. */
    default void restoreState(long[] state) {
    }

    /** Parses {@code oracle | noisy:D | none | hazard}. */
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
        if (t.startsWith("noisy:")) {
            String d = t.substring("noisy:".length());
            double delta;
            try {
                delta = Double.parseDouble(d);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("lookahead '" + text + "': noisy:D needs a number D in [0, 1), got '" + d + "'");
            }
            return new NoisyLookahead(delta, seed);
        }
        throw new IllegalArgumentException("unknown lookahead '" + text + "'; expected oracle, noisy:D, none or hazard");
    }
}
