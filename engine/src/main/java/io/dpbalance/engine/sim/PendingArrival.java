package io.dpbalance.engine.sim;

/**
 * A request a {@link ShadowRun} has heard of but not yet let into its cluster: it has not arrived on the shadow clock,
 * or its output length is not known yet. A Flink POJO (public no-argument constructor, public fields), kept as keyed
 * state by the shadow-scheduling job; treat instances as values, never change one after handing it over.
 */
public final class PendingArrival {

    /** Output length not known yet: production has not finished the request. */
    public static final int UNKNOWN_OUTPUT = 0;

    public String requestId;
    /** Arrival time, epoch milliseconds. */
    public long arrivalMillis;

    public int promptTokens;
    /** Tokens the request generates, or {@link #UNKNOWN_OUTPUT}. */
    public int outputTokens;

    public PendingArrival() {}

    public PendingArrival(String requestId, long arrivalMillis, int promptTokens, int outputTokens) {
        this.requestId = requestId;
        this.arrivalMillis = arrivalMillis;
        this.promptTokens = promptTokens;
        this.outputTokens = outputTokens;
    }

    public boolean outputKnown() {
        return outputTokens != UNKNOWN_OUTPUT;
    }

    @Override
    public String toString() {
        return requestId + "@" + arrivalMillis + " (" + promptTokens + " prompt, "
                + (outputKnown() ? outputTokens + " output)" : "output unknown)");
    }
}
