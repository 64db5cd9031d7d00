package io.dpbalance.exact;

import io.dpbalance.engine.lookahead.Lookahead;
import io.dpbalance.engine.model.Request;
import io.dpbalance.engine.policy.RefillState;
import java.util.Random;

/**
 * Seeded random refill decisions shaped like real ones: prompts log-normal (median 600 tokens, clamped to
 * 50..3000), running requests part-way through their output, and predicted remaining steps 1..60, or unknown for
 * some requests, as with a partial lookahead.
 */
final class RefillInstances {

    private static final double UNKNOWN_SHARE = 0.15;

    private final Random random;

    RefillInstances(long seed) {
        this.random = new Random(seed);
    }

    /**
     * A refill with at least one free slot. With {@code shortPool}, the pool holds fewer requests than there are
     * free slots (at least two free slots then); otherwise it holds {@code poolSize} requests.
     */
    RefillState next(int ranks, int batch, int poolSize, boolean shortPool) {
        int[] running = new int[ranks];
        int free;
        do {
            free = 0;
            for (int g = 0; g < ranks; g++) {
                running[g] = random.nextInt(batch + 1);
                free += batch - running[g];
            }
        } while (free < (shortPool ? 2 : 1));
        int[] prompt = new int[ranks * batch];
        int[] generated = new int[ranks * batch];
        int[] remaining = new int[ranks * batch];
        for (int g = 0; g < ranks; g++) {
            for (int i = 0; i < running[g]; i++) {
                int s = g * batch + i;
                prompt[s] = prompt();
                generated[s] = random.nextInt(400);
                remaining[s] = random.nextDouble() < UNKNOWN_SHARE ? Lookahead.UNKNOWN : 1 + random.nextInt(60);
            }
        }
        int size = shortPool ? 1 + random.nextInt(free - 1) : poolSize;
        Request[] pool = new Request[size];
        for (int j = 0; j < size; j++) {
            pool[j] = new Request("r" + j, j, 0.0, prompt(), 1 + random.nextInt(600));
        }
        return new RefillState(ranks, batch, running, prompt, generated, remaining, pool, new long[size], 0, 0.0);
    }

    private int prompt() {
        double tokens = Math.exp(Math.log(600) + 0.9 * random.nextGaussian());
        return (int) Math.round(Math.max(50, Math.min(3000, tokens)));
    }

    /** A refill from explicit per-rank running requests: {@code running[g][i] = {prompt, generated, remaining}}. */
    static RefillState of(int batch, int[][][] running, int... poolPrompts) {
        int ranks = running.length;
        int[] count = new int[ranks];
        int[] prompt = new int[ranks * batch];
        int[] generated = new int[ranks * batch];
        int[] remaining = new int[ranks * batch];
        for (int g = 0; g < ranks; g++) {
            count[g] = running[g].length;
            for (int i = 0; i < count[g]; i++) {
                prompt[g * batch + i] = running[g][i][0];
                generated[g * batch + i] = running[g][i][1];
                remaining[g * batch + i] = running[g][i][2];
            }
        }
        Request[] pool = new Request[poolPrompts.length];
        for (int j = 0; j < pool.length; j++) {
            pool[j] = new Request("p" + j, j, 0.0, poolPrompts[j], 100);
        }
        return new RefillState(ranks, batch, count, prompt, generated, remaining, pool, new long[pool.length], 0, 0.0);
    }

    /** Whether a decision filled every slot the spec requires: all free slots, or the whole pool if it is shorter. */
    static boolean fillsRequiredSlots(RefillState before, RefillState after) {
        int placed = 0;
        for (int j = 0; j < after.poolSize(); j++) {
            if (after.placedOn(j) >= 0) {
                placed++;
            }
        }
        return placed == Math.min(before.totalFree(), before.poolSize());
    }
}
