package io.dpbalance.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpbalance.engine.policy.BfioPolicy;
import io.dpbalance.engine.policy.RefillState;
import java.util.List;
import org.junit.jupiter.api.Test;

class RefillStatesTest {

    @Test
    void azureStatesAreSteadyStateRefillsWithAFullPool() {
        List<RefillState> states = RefillStates.azure(RefillStates.DEFAULT_TRACE);
        assertSteadyState(states, 32, 128);
    }

    @Test
    void syntheticWorkloadIsLongEnoughForG256() {
        List<RefillState> states = RefillStates.synthetic();
        assertSteadyState(states, 256, 1024);
    }

    /** The benchmark is only meaningful if every state is a real decision that BF-IO completes. */
    private static void assertSteadyState(List<RefillState> states, int ranks, int pool) {
        assertThat(states).hasSizeBetween(RefillStates.MIN_STATES, RefillStates.MAX_STATES);
        BfioPolicy policy = new BfioPolicy(20, "oracle");
        for (RefillState captured : states) {
            assertThat(captured.ranks()).isEqualTo(ranks);
            assertThat(captured.poolSize()).isEqualTo(pool);
            assertThat(captured.step()).isGreaterThan(RefillStates.SKIP_STEPS);
            assertThat(captured.totalFree()).isPositive().isLessThan(pool);
            RefillState state = captured.fresh();
            policy.refill(state);
            assertThat(state.totalFree()).isZero();
        }
    }
}
