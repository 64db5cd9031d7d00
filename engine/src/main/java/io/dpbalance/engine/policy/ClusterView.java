package io.dpbalance.engine.policy;

/**
 * What a policy sees of the cluster: per rank, its resident tokens, its running requests (prompt, generated count
 * and, as far as the lookahead allows, predicted remaining steps) and its free slots. Running requests of rank g
 * occupy slots {@code slot(g, 0) .. slot(g, running(g) - 1)}.
 */
public interface ClusterView {

    int ranks();

    int batch();

    /** Resident KV tokens {@code L_g}: prompt plus generated tokens of the rank's running requests. */
    long load(int rank);

    int running(int rank);

    default int free(int rank) {
        return batch() - running(rank);
    }

    int totalFree();

    default int slot(int rank, int index) {
        return rank * batch() + index;
    }

    int slotPrompt(int slot);

    int slotGenerated(int slot);

    /** Predicted remaining decode steps of the request in {@code slot}, or {@code Lookahead.UNKNOWN}. */
    int slotRemaining(int slot);

    /**
     * The running requests of {@code rank} in slot order: their loads ({@code prompt + generated} tokens) into
     * {@code loads} and their {@link #slotRemaining} into {@code remaining}; returns how many there are. One call a
     * rank instead of four a request, for {@link LoadProjection}, which runs at every BF-IO decision.
     */
    default int runningLoads(int rank, double[] loads, int[] remaining) {
        int n = running(rank);
        for (int i = 0; i < n; i++) {
            int slot = slot(rank, i);
            loads[i] = (double) slotPrompt(slot) + slotGenerated(slot);
            remaining[i] = slotRemaining(slot);
        }
        return n;
    }

    /**
     * Probability that the request in {@code slot} is still running {@code steps} steps ahead. Point predictions
     * give 1 before the predicted end and 0 from it on.
     */
    default double slotSurvival(int slot, int steps) {
        int remaining = slotRemaining(slot);
        return remaining == io.dpbalance.engine.lookahead.Lookahead.UNKNOWN || steps < remaining ? 1.0 : 0.0;
    }

    /** Whether {@link #slotSurvival} gives probabilities (a learned distribution) rather than a point prediction. */
    default boolean predictsDistributions() {
        return false;
    }

    /**
     * The horizon a policy configured for {@code max} steps should look ahead now: the lookahead may shorten it when
     * it is not confident (see {@code Lookahead#horizon}); {@code max} by default.
     */
    default int lookaheadHorizon(int max) {
        return max;
    }

    /** Probability that a request placed now is still running {@code steps} steps ahead (1 for point predictions). */
    default double newRequestSurvival(int steps) {
        return 1.0;
    }

    /** Pool requests bound to {@code rank} and not yet admitted (policies that bind at arrival). */
    int waitingBound(int rank);

    /** Steps completed so far. */
    long step();

    /** Clock in seconds. */
    double clock();
}
