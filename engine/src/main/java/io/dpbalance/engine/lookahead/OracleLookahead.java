package io.dpbalance.engine.lookahead;

/** Exact remaining tokens, {@code o_j - a_j}: the paper's experiments. */
public final class OracleLookahead implements Lookahead {

    @Override
    public String name() {
        return "oracle";
    }

    @Override
    public int remaining(long sequence, int generated, int outputTokens) {
        return Math.max(1, outputTokens - generated);
    }
}
