package io.dpbalance.exact;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpbalance.engine.policy.BfioPolicy;
import io.dpbalance.engine.policy.Policy;
import io.dpbalance.engine.policy.PolicyFactory;
import io.dpbalance.engine.policy.PolicySpec;
import io.dpbalance.engine.policy.RefillContext;
import io.dpbalance.engine.policy.RefillState;
import io.dpbalance.engine.sim.ClusterConfig;
import io.dpbalance.engine.sim.Simulator;
import io.dpbalance.engine.sim.WorkloadMode;
import io.dpbalance.engine.testing.ProjectData;
import io.dpbalance.engine.trace.ReadOptions;
import io.dpbalance.engine.trace.Workload;
import io.dpbalance.engine.trace.WorkloadFormat;
import io.dpbalance.engine.trace.WorkloadReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The fast BF-IO solver against the exact optimum on 200 refill decisions sampled at random from a real run: the
 * Azure trace through a small cluster (G = 4, B = 4, pool 16 = 4G, pool mode, oracle lookahead), driven by
 * BF-IO itself. These are the decisions the solver actually faces (start-up fills and steady-state refills alike),
 * and each is solved again by both solvers with horizons 0, 5 and 20.
 */
class RealRefillGapTest {

    private static final int INSTANCES = 200;
    private static final int[] HORIZONS = {0, 5, 20};
    private static final double MAX_MEAN_GAP = 0.05;

    /** Captures a random sample of the refills it decides. */
    private static final class Sampling implements Policy {
        private final Policy delegate;
        private final SplittableRandom random = new SplittableRandom(20261129L);
        private final double rate;
        final List<RefillState> states = new ArrayList<>();

        Sampling(Policy delegate, double rate) {
            this.delegate = delegate;
            this.rate = rate;
        }

        @Override
        public String name() {
            return delegate.name();
        }

        @Override
        public void refill(RefillContext ctx) {
            if (random.nextDouble() < rate) {
                states.add(RefillState.capture(ctx));
            }
            delegate.refill(ctx);
        }
    }

    @Test
    void fastSolverStaysCloseToTheOptimumOnRealRefills() {
        Workload trace =
                WorkloadReader.read(ProjectData.azureConversationTrace(), WorkloadFormat.AZURE, ReadOptions.defaults());
        PolicyFactory.Instance driver = PolicyFactory.create(PolicySpec.parse("bfio:h=20"), "oracle", 1);
        Sampling sampling = new Sampling(driver.policy(), 0.02);
        Simulator.run(
                trace.requests(),
                WorkloadMode.POOL,
                ClusterConfig.reference(4, 4),
                16,
                sampling,
                driver.lookahead(),
                null);
        List<RefillState> states = sampling.states;
        assertThat(states).hasSizeGreaterThanOrEqualTo(INSTANCES);
        SplittableRandom pick = new SplittableRandom(7);
        double[] gaps = new double[INSTANCES];
        int optimal = 0;
        int[] freeSlots = new int[INSTANCES];
        for (int i = 0; i < INSTANCES; i++) {
            RefillState input = states.remove(pick.nextInt(states.size()));
            int h = HORIZONS[i % HORIZONS.length];
            RefillState fast = input.fresh();
            new BfioPolicy(h, "oracle").refill(fast);
            RefillState exact = input.fresh();
            BfioExactPolicy exactPolicy = new BfioExactPolicy(h, 1024, BfioExactPolicy.DEFAULT_TIME_LIMIT, 1, "oracle");
            exactPolicy.refill(exact);
            long fastObjective = BfioObjective.of(fast, h);
            long optimum = BfioObjective.of(exact, h);
            assertThat(exactPolicy.nonOptimalDecisions()).isZero();
            assertThat(RefillInstances.fillsRequiredSlots(input, fast)).isTrue();
            assertThat(optimum).as("exact <= fast on refill %d", i).isLessThanOrEqualTo(fastObjective);
            gaps[i] = (double) (fastObjective - optimum) / Math.max(optimum, 1);
            optimal += fastObjective == optimum ? 1 : 0;
            freeSlots[i] = input.totalFree();
        }
        double[] sorted = gaps.clone();
        Arrays.sort(sorted);
        double mean = Arrays.stream(gaps).average().orElseThrow();
        System.out.printf(
                Locale.ROOT,
                "bfio vs bfio-exact on %d real refills (G=4, B=4, pool 16, Azure trace, h in %s): "
                        + "mean gap %.2f%%, median %.2f%%, worst %.2f%%; fast optimal on %d/%d; free slots per refill %s%n",
                INSTANCES,
                Arrays.toString(HORIZONS),
                100 * mean,
                100 * sorted[INSTANCES / 2],
                100 * sorted[INSTANCES - 1],
                optimal,
                INSTANCES,
                Arrays.stream(freeSlots).summaryStatistics());
        assertThat(mean).as("mean gap of the fast solver to the optimum").isLessThanOrEqualTo(MAX_MEAN_GAP);
    }
}
