package io.dpbalance.engine.policy;

import io.dpbalance.engine.lookahead.Lookahead;
import io.dpbalance.engine.model.Request;

/** Builds small {@link RefillState}s for policy tests: running requests per rank and a pool of prompts. */
final class RefillStates {

    private RefillStates() {}

    /**
     * @param batch     B
     * @param running   per rank, the running requests as {prompt, generated, remaining} triples
     *                  (remaining {@code -1} for unknown)
     * @param pool      pool prompts in arrival order (output 10 each)
     */
    static RefillState state(int batch, int[][][] running, int... pool) {
        int ranks = running.length;
        int[] count = new int[ranks];
        int[] prompt = new int[ranks * batch];
        int[] generated = new int[ranks * batch];
        int[] remaining = new int[ranks * batch];
        for (int g = 0; g < ranks; g++) {
            count[g] = running[g].length;
            for (int i = 0; i < running[g].length; i++) {
                int s = g * batch + i;
                prompt[s] = running[g][i][0];
                generated[s] = running[g][i][1];
                remaining[s] = running[g][i][2] < 0 ? Lookahead.UNKNOWN : running[g][i][2];
            }
        }
        Request[] requests = new Request[pool.length];
        for (int i = 0; i < pool.length; i++) {
            requests[i] = new Request("p" + i, i, 0.0, pool[i], 10);
        }
        return new RefillState(
                ranks, batch, count, prompt, generated, remaining, requests, new long[pool.length], 1, 0.0);
    }

    static int[] placements(RefillState s) {
        int[] out = new int[s.poolSize()];
        for (int i = 0; i < out.length; i++) {
            out[i] = s.placedOn(i);
        }
        return out;
    }

    static int[][] req(int prompt) {
        return new int[][] {{prompt, 0, -1}};
    }
}
