package io.dpbalance.engine.policy;

import static io.dpbalance.engine.policy.RefillStates.placements;
import static io.dpbalance.engine.policy.RefillStates.state;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BfioPolicyTest {

    private static BfioPolicy bfio(int horizon) {
        return new BfioPolicy(horizon, "oracle");
    }

    @Test
    void admitsTheRequestThatExactlyClosesTheGapToTheBusiestRank() {
        // rank 0 is full at 1000 tokens; rank 1 (700) has one free slot: 300 balances the step exactly
        RefillState s = state(2, new int[][][] {{{600, 0, -1}, {400, 0, -1}}, {{700, 0, -1}}}, 100, 300, 500);
        bfio(0).refill(s);
        assertThat(placements(s)).containsExactly(-1, 1, -1);
    }

    @Test
    void sendsTheBigPromptToTheRankThatIsAboutToEmptyOnlyWhenLookingAhead() {
        // Rank 2 is full at 2000 tokens for long. Ranks 0 and 1 hold 1000 each and have one free slot, but rank 1's
        // request ends next step (oracle: 1 remaining). The pool has 900 and 10 and both must be admitted.
        int[][][] cluster = {{{1000, 0, 50}}, {{1000, 0, 1}}, {{1000, 0, 50}, {1000, 0, 50}}};
        RefillState now = state(2, cluster, 900, 10);
        bfio(0).refill(now);
        // balancing only the current step: ranks 0 and 1 look alike, the first takes the big prompt
        assertThat(placements(now)).containsExactly(0, 1);
        RefillState ahead = state(2, cluster, 900, 10);
        bfio(10).refill(ahead);
        // looking ahead: rank 1 is about to lose its 1000 tokens, so it takes the big prompt
        assertThat(placements(ahead)).containsExactly(1, 0);
    }

    @Test
    void fillsEveryFreeSlotWhileThePoolHasRequests() {
        RefillState s = state(
                4,
                new int[][][] {{{3000, 0, -1}}, {}, {{10, 0, 5}, {10, 0, 5}}},
                5000,
                1,
                2,
                3,
                4,
                5,
                6,
                7,
                8,
                9,
                10,
                11,
                12);
        bfio(20).refill(s);
        assertThat(s.totalFree()).isZero();
        int placed = 0;
        for (int p : placements(s)) {
            placed += p >= 0 ? 1 : 0;
        }
        assertThat(placed).isEqualTo(9);
    }

    @Test
    void placesTheWholePoolWhenItIsShorterThanTheFreeSlots() {
        RefillState s = state(8, new int[][][] {{}, {}, {}}, 400, 300, 200, 100);
        bfio(0).refill(s);
        assertThat(placements(s)).doesNotContain(-1);
    }

    @Test
    void maxWaitAdmitsAnOverdueRequestEvenWhenItFitsBadly() {
        io.dpbalance.engine.model.Request[] pool = {
            new io.dpbalance.engine.model.Request("old", 0, 0, 5000, 10),
            new io.dpbalance.engine.model.Request("fit", 1, 0, 300, 10)
        };
        RefillState overdue = new RefillState(
                2,
                2,
                new int[] {2, 1},
                new int[] {600, 400, 700, 0},
                new int[4],
                new int[] {
                    io.dpbalance.engine.lookahead.Lookahead.UNKNOWN,
                    io.dpbalance.engine.lookahead.Lookahead.UNKNOWN,
                    io.dpbalance.engine.lookahead.Lookahead.UNKNOWN,
                    0
                },
                pool,
                new long[] {50, 0},
                60,
                1.0);
        RefillState unbounded = overdue.fresh();
        new BfioPolicy(0, "oracle").refill(unbounded);
        assertThat(placements(unbounded)).containsExactly(-1, 1);
        RefillState bounded = overdue.fresh();
        new BfioPolicy(0, 43, 0.86, 40, 7, 1024, true, "false", "oracle").refill(bounded);
        assertThat(placements(bounded)).containsExactly(1, -1);
    }

    @Test
    void nameCarriesNonDefaultParametersAndTheLookahead() {
        assertThat(bfio(20).name()).isEqualTo("bfio:h=20,lookahead=oracle");
        assertThat(new BfioPolicy(0, 10, 0.5, 100, 7, 1024, false, "false", "hazard").name())
                .isEqualTo("bfio:h=0,beta=10,decay=0.5,max-wait=100,polish=false,lookahead=hazard");
    }

    @Test
    void polishingNeverWorsensTheUndiscountedObjectiveAndOftenImprovesIt() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(11);
        int improved = 0;
        for (int n = 0; n < 300; n++) {
            int ranks = 2 + random.nextInt(5);
            int batch = 2 + random.nextInt(4);
            int[][][] cluster = new int[ranks][][];
            for (int g = 0; g < ranks; g++) {
                int running = random.nextInt(batch + 1);
                cluster[g] = new int[running][];
                for (int i = 0; i < running; i++) {
                    cluster[g][i] = new int[] {50 + random.nextInt(3000), random.nextInt(300), 1 + random.nextInt(30)};
                }
            }
            int[] pool = new int[1 + random.nextInt(4 * ranks)];
            for (int j = 0; j < pool.length; j++) {
                pool[j] = 50 + random.nextInt(3000);
            }
            int h = random.nextInt(3) * 5;
            RefillState plain = state(batch, cluster, pool);
            RefillState polished = plain.fresh();
            new BfioPolicy(h, 43, 1.0, 0, 7, 1024, false, "false", "oracle").refill(plain);
            new BfioPolicy(h, 43, 1.0, 0, 7, 1024, true, "false", "oracle").refill(polished);
            double before = objective(plain, h);
            double after = objective(polished, h);
            assertThat(after).as("instance %d", n).isLessThanOrEqualTo(before);
            improved += after < before ? 1 : 0;
        }
        assertThat(improved).isPositive();
    }

    private static double objective(RefillState decided, int horizon) {
        LoadProjection p = LoadProjection.of(decided.fresh(), horizon);
        for (int i = 0; i < decided.poolSize(); i++) {
            if (decided.placedOn(i) >= 0) {
                p.add(decided.placedOn(i), decided.poolRequest(i).promptTokens());
            }
        }
        return p.objective();
    }
}
