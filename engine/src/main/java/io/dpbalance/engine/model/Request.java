package io.dpbalance.engine.model;

/**
 * One request of a workload.
 *
 * @param id           request id as the source names it
 * @param sequence     0-based position in the workload; seeds per-request randomness (noisy lookahead)
 * @param arrival      arrival time in seconds from the workload's start (0 in pool mode)
 * @param promptTokens prompt length {@code s_j > 0}
 * @param outputTokens output length {@code o_j > 0}: tokens to generate
 */
public record Request(String id, long sequence, double arrival, int promptTokens, int outputTokens) {

    public Request {
        if (promptTokens <= 0) {
            throw new IllegalArgumentException("request " + id + ": prompt tokens must be > 0, got " + promptTokens);
        }
        if (outputTokens <= 0) {
            throw new IllegalArgumentException("request " + id + ": output tokens must be > 0, got " + outputTokens);
        }
        if (!(arrival >= 0) || Double.isInfinite(arrival)) {
            throw new IllegalArgumentException(
                    "request " + id + ": arrival must be a finite time >= 0, got " + arrival);
        }
    }
}
