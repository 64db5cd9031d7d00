package io.dpbalance.exact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dpbalance.engine.lookahead.Lookahead;
import io.dpbalance.engine.policy.LoadProjection;
import io.dpbalance.engine.policy.Policy;
import io.dpbalance.engine.policy.PolicyFactory;
import io.dpbalance.engine.policy.PolicySpec;
import io.dpbalance.engine.policy.RefillState;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BfioExactPolicyTest {

    private static final int U = Lookahead.UNKNOWN;

    private static RefillState decide(RefillState input, int horizon) {
        RefillState state = input.fresh();
        BfioExactPolicy policy = new BfioExactPolicy(horizon, 1024, 10, 1, "oracle");
        policy.refill(state);
        assertThat(policy.decisions()).isEqualTo(1);
        assertThat(policy.nonOptimalDecisions()).isZero();
        return state;
    }

    @Test
    void fillsTheGapExactly() {
        // Rank 0 is 500 below rank 1; only 700 on rank 0 with 200 on rank 1 balances them.
        RefillState input =
                RefillInstances.of(2, new int[][][] {{{800, 200, U}}, {{1400, 100, U}}}, 400, 700, 200, 1000);
        RefillState decided = decide(input, 0);
        assertThat(decided.placedOn(1)).isZero();
        assertThat(decided.placedOn(2)).isEqualTo(1);
        assertThat(decided.placedOn(0)).isEqualTo(-1);
        assertThat(decided.placedOn(3)).isEqualTo(-1);
        assertThat(BfioObjective.of(decided, 0)).isZero();
    }

    @Test
    void horizonSeesARequestEnding() {
        // Rank 0 (3000 tokens) is heavier now, but its 2000-token request ends after one step; rank 1 is full at 2000.
        RefillState input = RefillInstances.of(
                3, new int[][][] {{{900, 100, U}, {1900, 100, 1}}, {{700, 0, U}, {700, 0, U}, {600, 0, U}}}, 10, 990);
        RefillState now = decide(input, 0);
        assertThat(now.placedOn(0)).isZero();
        assertThat(now.placedOn(1)).isEqualTo(-1);
        assertThat(BfioObjective.of(now, 0)).isEqualTo(2 * 3010 - 5010);

        RefillState ahead = decide(input, 10);
        assertThat(ahead.placedOn(1)).isZero();
        assertThat(ahead.placedOn(0)).isEqualTo(-1);
        // h = 0: 3990 vs 2000; h = 1..10: 1990 vs 2000.
        assertThat(BfioObjective.of(ahead, 10)).isEqualTo((2 * 3990 - 5990) + 10L * (2 * 2000 - 3990));
    }

    @Test
    void placesTheWholePoolWhenItIsShorterThanTheFreeSlots() {
        // Leaving the 4000-token request out would balance better, but every pool request must be placed.
        RefillState input = RefillInstances.of(2, new int[][][] {{}, {{4900, 100, U}}}, 100, 4000);
        RefillState decided = decide(input, 0);
        assertThat(decided.placedOn(0)).isZero();
        assertThat(decided.placedOn(1)).isZero();
        assertThat(BfioObjective.of(decided, 0)).isEqualTo(2 * 5000 - 9100);
    }

    @Test
    void considersOnlyTheFirstCandidates() {
        RefillState input = RefillInstances.of(1, new int[][][] {{}, {}}, 5000, 5000, 3);
        RefillState state = input.fresh();
        new BfioExactPolicy(0, 2, 10, 1, "oracle").refill(state);
        assertThat(state.placedOn(0)).isNotNegative();
        assertThat(state.placedOn(1)).isNotNegative();
        assertThat(state.placedOn(2)).isEqualTo(-1);
    }

    @Test
    void matchesBruteForceOnTinyInstances() {
        RefillInstances instances = new RefillInstances(7);
        for (int i = 0; i < 60; i++) {
            int horizon = i % 2 == 0 ? 0 : 3;
            RefillState input = instances.next(3, 2, 5, i % 5 == 4);
            long optimum = bruteForce(input, horizon);
            RefillState decided = decide(input, horizon);
            assertThat(RefillInstances.fillsRequiredSlots(input, decided))
                    .as("instance %d fills its slots", i)
                    .isTrue();
            assertThat(BfioObjective.of(decided, horizon)).as("instance %d", i).isEqualTo(optimum);
        }
    }

    /** The least objective over every assignment of the pool that fills the slots the spec requires. */
    private static long bruteForce(RefillState input, int horizon) {
        int n = input.poolSize();
        int ranks = input.ranks();
        boolean fillEverySlot = n >= input.totalFree();
        LoadProjection base = LoadProjection.of(input, horizon);
        int[] rankOf = new int[n];
        long best = Long.MAX_VALUE;
        long combinations = (long) Math.pow(ranks + 1, n);
        for (long code = 0; code < combinations; code++) {
            long c = code;
            int[] count = new int[ranks];
            boolean ok = true;
            for (int j = 0; j < n; j++) {
                rankOf[j] = (int) (c % (ranks + 1)) - 1;
                c /= ranks + 1;
                if (rankOf[j] >= 0) {
                    ok &= ++count[rankOf[j]] <= input.free(rankOf[j]);
                } else {
                    ok &= fillEverySlot;
                }
            }
            for (int g = 0; g < ranks && ok && fillEverySlot; g++) {
                ok = count[g] == input.free(g);
            }
            if (ok) {
                LoadProjection p = base.copy();
                for (int j = 0; j < n; j++) {
                    if (rankOf[j] >= 0) {
                        p.add(rankOf[j], input.poolRequest(j).promptTokens());
                    }
                }
                best = Math.min(best, Math.round(p.objective()));
            }
        }
        return best;
    }

    @Test
    void usesTheBestSolutionFoundWhenTheTimeLimitHits() {
        // Four empty ranks and 16 requests to split into near-equal quadruples: far from provable in a microsecond.
        int[][][] empty = {{}, {}, {}, {}};
        int[] prompts = new int[16];
        Random random = new Random(3);
        for (int j = 0; j < prompts.length; j++) {
            prompts[j] = 50 + random.nextInt(2950);
        }
        RefillState input = RefillInstances.of(4, empty, prompts);
        RefillState state = input.fresh();
        BfioExactPolicy policy = new BfioExactPolicy(5, 1024, 1e-6, 1, "oracle");
        policy.refill(state);
        assertThat(policy.nonOptimalDecisions()).isEqualTo(1);
        assertThat(RefillInstances.fillsRequiredSlots(input, state)).isTrue();
    }

    @Test
    void registersWithThePolicyFactory() {
        PolicyFactory.Instance instance =
                PolicyFactory.create(PolicySpec.parse("bfio-exact:h=5,time-limit=2.5"), "oracle", 1);
        Policy policy = instance.policy();
        assertThat(policy).isInstanceOf(BfioExactPolicy.class);
        assertThat(policy.name()).isEqualTo("bfio-exact:h=5,time-limit=2.5,lookahead=oracle");
        assertThat(((BfioExactPolicy) policy).horizon()).isEqualTo(5);
        assertThat(PolicyFactory.create(
                                PolicySpec.parse("bfio-exact:lookahead=none,workers=2,candidates=64"), "oracle", 1)
                        .policy()
                        .name())
                .isEqualTo("bfio-exact:h=20,candidates=64,workers=2,lookahead=none");
        assertThat(PolicyFactory.descriptions()).containsKey("bfio-exact");
        assertThatThrownBy(() -> PolicyFactory.create(PolicySpec.parse("bfio-exact:beta=4"), "oracle", 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has no parameter 'beta'");
    }

    @Test
    void rejectsBadParameters() {
        assertThatThrownBy(() -> new BfioExactPolicy(-1, 1024, 10, 1, "oracle")).hasMessageContaining("h must be >= 0");
        assertThatThrownBy(() -> new BfioExactPolicy(0, 0, 10, 1, "oracle")).hasMessageContaining("candidates");
        assertThatThrownBy(() -> new BfioExactPolicy(0, 1024, 0, 1, "oracle")).hasMessageContaining("time-limit");
        assertThatThrownBy(() -> new BfioExactPolicy(0, 1024, Double.NaN, 1, "oracle"))
                .hasMessageContaining("time-limit");
        assertThatThrownBy(() -> new BfioExactPolicy(0, 1024, 10, 0, "oracle")).hasMessageContaining("workers");
    }
}
