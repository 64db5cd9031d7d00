package io.dpbalance.engine.policy;

import static io.dpbalance.engine.policy.RefillStates.placements;
import static io.dpbalance.engine.policy.RefillStates.state;
import static org.assertj.core.api.Assertions.assertThat;

import io.dpbalance.engine.model.Request;
import org.junit.jupiter.api.Test;

class BaselinePoliciesTest {

    private static final int[][] EMPTY = {};

    @Test
    void fcfsFillsRankZeroFirstThenRankOneInPoolOrder() {
        RefillState s = state(2, new int[][][] {{{100, 0, -1}}, EMPTY}, 10, 20, 30, 40);
        new FcfsPolicy().refill(s);
        // rank 0 has one free slot, rank 1 two; the 4th request finds no slot
        assertThat(placements(s)).containsExactly(0, 1, 1, -1);
    }

    @Test
    void roundRobinCyclesRanksSkippingFullOnesAndKeepsItsCursor() {
        RoundRobinPolicy rr = new RoundRobinPolicy();
        RefillState first = state(2, new int[][][] {EMPTY, {{5, 0, -1}, {5, 0, -1}}, EMPTY}, 1, 2, 3);
        rr.refill(first);
        // rank 1 is full: 0, 2, 0
        assertThat(placements(first)).containsExactly(0, 2, 0);
        RefillState second = state(2, new int[][][] {EMPTY, EMPTY, EMPTY}, 1);
        rr.refill(second);
        // the cursor continues after rank 0 -> rank 1
        assertThat(placements(second)).containsExactly(1);
    }

    @Test
    void leastTokensSendsEachRequestToTheFreeRankWithFewestKvTokensTiesToLowest() {
        RefillState s = state(3, new int[][][] {{{100, 0, -1}}, {{50, 0, -1}}, {{50, 0, -1}}}, 60, 10, 5);
        new LeastTokensPolicy().refill(s);
        // 60 -> rank 1 (tie with 2, lowest): loads 100, 110, 50; 10 -> rank 2 (60); 5 -> rank 2 (65 < 100)
        assertThat(placements(s)).containsExactly(1, 2, 2);
    }

    @Test
    void leastRequestsBalancesRunningCountsTiesToLowest() {
        RefillState s = state(3, new int[][][] {{{1, 0, -1}, {1, 0, -1}}, {{900, 0, -1}}, EMPTY}, 7, 7, 7);
        new LeastRequestsPolicy().refill(s);
        // counts 2,1,0: -> 2 (2,1,1) -> 1 (2,2,1) -> 2
        assertThat(placements(s)).containsExactly(2, 1, 2);
    }

    @Test
    void vllmBindsAtArrivalByFourTimesWaitingPlusRunningAndAdmitsPerRankFifo() {
        VllmPolicy vllm = new VllmPolicy();
        RefillState s = state(2, new int[][][] {{{1, 0, -1}}, EMPTY}, 3, 4);
        // rank 1 has 0 running: score 0 < 1 -> first request to rank 1
        assertThat(vllm.bindOnArrival(s.poolRequest(0), s)).isEqualTo(1);
    }

    @Test
    void vllmLeavesARankUnderfilledWhenItsOwnQueueIsEmpty() {
        io.dpbalance.engine.sim.ClusterSimulation sim = new io.dpbalance.engine.sim.ClusterSimulation(
                io.dpbalance.engine.sim.ClusterConfig.reference(2, 2),
                new VllmPolicy(),
                new io.dpbalance.engine.lookahead.OracleLookahead(),
                null);
        for (int i = 0; i < 5; i++) {
            sim.enqueue(new Request("r" + i, i, 0, 10, 3));
        }
        // bindings: r0->0 (0), r1->1 (0 vs 4), r2->0 (4,4 -> lowest), r3->1, r4->0 (8,8)
        sim.refill();
        assertThat(sim.runningPerRank()).containsExactly(2, 2);
        assertThat(sim.poolSize()).isEqualTo(1);
    }

    @Test
    void trtllmPlacesLongestPromptsFirstOnTheLeastLoadedRankUnderTheCap() {
        // running counts (1, 0); admitted 3 -> total 4, cap = max(ceil(4/2), 1) = 2
        RefillState s = state(3, new int[][][] {{{10, 0, -1}}, EMPTY}, 5, 100, 50);
        new TrtLlmPolicy().refill(s);
        // 100 -> rank 1 (load 0) -> (10, 100); 50 -> rank 0 -> (60, 100), rank 0 at cap 2; 5 -> rank 1
        assertThat(placements(s)).containsExactly(1, 1, 0);
    }
}
