package io.dpbalance.engine.lookahead;

/** Nothing is known: every running request is assumed to keep running through the horizon. */
public final class NoLookahead implements Lookahead {

    @Override
    public String name() {
        return "none";
    }

    @Override
    public int remaining(long sequence, int generated, int outputTokens) {
        return UNKNOWN;
    }
}
