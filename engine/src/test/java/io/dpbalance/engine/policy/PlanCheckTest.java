package io.dpbalance.engine.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.dpbalance.engine.model.Request;
import io.dpbalance.engine.sim.ClusterConfig;
import io.dpbalance.engine.sim.SimulationResult;
import io.dpbalance.engine.sim.Simulator;
import io.dpbalance.engine.sim.WorkloadMode;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** BF-IO's plan-level self-check: the lookahead's plan against the h = 0 plan on the realized departures. */
class PlanCheckTest {

    /** Two ranks of load 1000 each (as a projection's step 0), horizon 3. */
    private static LoadProjection cohort() {
        return LoadProjection.ofLoads(new double[][] {{1000, 1000}, {1000, 1000}, {1000, 1000}, {1000, 1000}});
    }

    /**
     * One decision at step {@code k}: the h = 0 plan puts 500 on rank {@code flatRank}, the lookahead's on the other
     * rank; rank 0's cohort (one request of prompt 990, 10 steps old at the decision) finishes one step later.
     */
    private static void decide(PlanCheck check, long k, int flatRank) {
        double[] flat = new double[2];
        double[] ahead = new double[2];
        flat[flatRank] = 500;
        ahead[1 - flatRank] = 500;
        check.record(k, cohort(), 3, flat, ahead);
        check.onFinished(0, 990, 11, k + 1);
    }

    @Test
    void theLookaheadsPlanPaysWhenItLoadsTheRankThatReallyEmpties() {
        PlanCheck check = new PlanCheck(3, 1.0);
        decide(check, 10, 1);
        // placed after the decision (not in its cohort): ignored
        check.onFinished(1, 700, 1, 12);
        check.judge(12);
        assertThat(check.judged()).as("not before its horizon has passed").isZero();
        check.judge(13);
        assertThat(check.judged()).isEqualTo(1);
        // h = 0: both plans cost 2 * 1500 - 2500 = 500; h = 1..3: lookahead {500, 1000} costs 500, h = 0's
        // {0, 1500} costs 1500
        assertThat(check.advantage()).isCloseTo(3 * 1000, within(1e-9));

        PlanCheck wrong = new PlanCheck(3, 1.0);
        decide(wrong, 10, 0);
        wrong.judge(13);
        assertThat(wrong.advantage()).isCloseTo(-3 * 1000, within(1e-9));
    }

    @Test
    void trustedOnlyAfterWarmupAndOnlyWhileTheLookaheadPaid() {
        PlanCheck check = new PlanCheck(3, 0.9);
        PlanCheck wrong = new PlanCheck(3, 0.9);
        for (int i = 0; i < DecisionCheck.WARMUP; i++) {
            assertThat(check.trusted()).as("before warmup, decision %d", i).isFalse();
            long k = 10 + 5L * i;
            check.judge(k);
            wrong.judge(k);
            decide(check, k, 1);
            decide(wrong, k, 0);
        }
        check.judge(10_000);
        wrong.judge(10_000);
        assertThat(check.judged()).isEqualTo(DecisionCheck.WARMUP);
        assertThat(check.trusted()).isTrue();
        assertThat(wrong.advantage()).isLessThan(0);
        assertThat(wrong.trusted()).isFalse();

        PlanCheck same = new PlanCheck(3, 0.9);
        same.record(10, cohort(), 3, new double[] {500, 0}, new double[] {500, 0});
        same.judge(10_000);
        assertThat(same.judged()).as("plans alike: nothing to judge").isZero();
    }

    @Test
    void aRestoredCheckJudgesItsPendingDecisionsAlike() {
        PlanCheck check = new PlanCheck(3, 0.9);
        for (int i = 0; i < 20; i++) {
            long k = 10 + 2L * i;
            check.judge(k);
            check.record(k, cohort(), 3, new double[] {i % 3 == 0 ? 500 : 0, 0}, new double[] {0, 500});
        }
        PlanCheck restored = new PlanCheck(3, 0.9);
        restored.restoreState(check.saveState());
        for (PlanCheck c : List.of(check, restored)) {
            c.onFinished(0, 990, 60, 49);
            c.onFinished(1, 400, 3, 50);
            c.judge(10_000);
        }
        assertThat(restored.judged()).isEqualTo(check.judged()).isEqualTo(20);
        assertThat(restored.advantage()).isEqualTo(check.advantage()).isNotZero();
    }

    private static List<Request> workload() {
        SplittableRandom random = new SplittableRandom(5);
        List<Request> out = new ArrayList<>();
        double t = 0;
        for (int j = 0; j < 3000; j++) {
            t += -Math.log(1 - random.nextDouble()) / 300;
            int prompt = 50 + random.nextInt(3000);
            out.add(new Request("r" + j, j, t, prompt, 1 + random.nextInt(400)));
        }
        return out;
    }

    private static SimulationResult run(String spec, List<BfioPolicy> keep) {
        PolicyFactory.Instance i = PolicyFactory.create(PolicySpec.parse(spec), "oracle", 1);
        if (i.policy() instanceof BfioPolicy b) {
            keep.add(b);
        }
        return Simulator.run(
                workload(), WorkloadMode.ARRIVAL, ClusterConfig.reference(8, 8), 0, i.policy(), i.lookahead(), null);
    }

    /**
     * The oracle's plans balance the realized departures better than h = 0's, so BF-IO places them; a lookahead that
     * predicts nothing ({@code none}) never plans differently from h = 0 and BF-IO is exactly {@code bfio:h=0}.
     */
    @Test
    void theOraclesPlansPassAndAUselessLookaheadIsExactlyHZero() {
        List<BfioPolicy> policies = new ArrayList<>();
        SimulationResult h0 = run("bfio:h=0", policies);
        SimulationResult oracle = run("bfio:h=20,lookahead=oracle,check=plan", policies);
        SimulationResult none = run("bfio:h=20,lookahead=none,check=plan", policies);
        PlanCheck oracleCheck = policies.get(1).planCheck();
        assertThat(oracleCheck.judged()).isGreaterThan(DecisionCheck.WARMUP);
        assertThat(oracleCheck.advantage()).isGreaterThan(0);
        assertThat(oracleCheck.trusted()).isTrue();
        assertThat(oracle.avgImbalance()).isNotEqualTo(h0.avgImbalance());
        assertThat(policies.get(1).name()).isEqualTo("bfio:h=20,check=plan,lookahead=oracle");

        assertThat(none.avgImbalance()).isEqualTo(h0.avgImbalance());
        assertThat(none.energyJoules()).isEqualTo(h0.energyJoules());
        assertThat(policies.get(2).planCheck().trusted()).isFalse();
    }
}
