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

/** BF-IO's decision-level self-check: per-rank predicted losses against the realized ones. */
class DecisionCheckTest {

    private static final int RANKS = 4;
    private static final int H = 5;

    /** How a test predicts: from the true departures, from another rank's, or the same for every rank. */
    private enum Prediction {
        TRUE,
        SWAPPED,
        ALIKE
    }

    /**
     * Runs {@code decisions} decisions {@code 3H} steps apart on a cluster whose cohort at each decision is one request
     * per rank with a random prompt, placed in the refill before and finishing 1..2H steps after the decision (before
     * the next one); the projection predicts its losses as {@code prediction} says. Every finish is reported at its
     * step, as the cluster does.
     */
    private static DecisionCheck judge(int decisions, Prediction prediction, long seed) {
        DecisionCheck check = new DecisionCheck(H, 0.9);
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < decisions; i++) {
            long k = 10 + 3L * H * i;
            check.judge(k);
            int[] prompt = new int[RANKS];
            int[] ahead = new int[RANKS];
            for (int g = 0; g < RANKS; g++) {
                prompt[g] = 100 + random.nextInt(1000);
                ahead[g] = 1 + random.nextInt(2 * H);
            }
            double[][] loads = new double[H + 1][RANKS];
            for (int h = 0; h <= H; h++) {
                for (int g = 0; g < RANKS; g++) {
                    int from = switch (prediction) {
                        case TRUE -> g;
                        case SWAPPED -> (g + 1) % RANKS;
                        case ALIKE -> 0;
                    };
                    double w = prompt[from] + 1;
                    loads[h][g] = 5000 - (h >= ahead[from] ? w : 0);
                }
            }
            check.record(k, LoadProjection.ofLoads(loads));
            for (int step = 1; step <= 2 * H; step++) {
                for (int g = 0; g < RANKS; g++) {
                    if (ahead[g] == step) {
                        check.onFinished(g, prompt[g], step + 1, k + step);
                    }
                }
            }
        }
        return check;
    }

    @Test
    void truePredictionsHaveFullSkillAndTheWholeHorizonAfterWarmup() {
        DecisionCheck early = judge(DecisionCheck.WARMUP, Prediction.TRUE, 1);
        assertThat(early.judged()).isLessThan(DecisionCheck.WARMUP);
        assertThat(early.horizon(H)).as("before warmup").isZero();

        DecisionCheck check = judge(400, Prediction.TRUE, 1);
        assertThat(check.judged()).isGreaterThanOrEqualTo(DecisionCheck.WARMUP);
        for (int h = 1; h <= H; h++) {
            assertThat(check.skill(h)).as("skill at h=%d", h).isCloseTo(1.0, within(1e-9));
        }
        assertThat(check.horizon(H)).isEqualTo(H);
        assertThat(check.horizon(3)).as("never beyond what BF-IO asks").isEqualTo(3);
        assertThat(check.calibration(H)).isCloseTo(1.0, within(1e-9));
    }

    @Test
    void predictionsOfTheWrongRanksOrAllAlikeGiveHorizonZero() {
        DecisionCheck swapped = judge(400, Prediction.SWAPPED, 2);
        assertThat(swapped.skillUpTo(H)).isLessThan(0);
        assertThat(swapped.horizon(H)).isZero();
        assertThat(swapped.calibration(H))
                .as("unrelated predictions scale to about 0")
                .isLessThan(0.2);

        DecisionCheck alike = judge(400, Prediction.ALIKE, 3);
        assertThat(alike.skillUpTo(H)).isCloseTo(0.0, within(1e-9));
        assertThat(alike.horizon(H)).isZero();
        assertThat(alike.calibration(H)).isZero();
    }

    @Test
    void aRequestCountsOnlyInTheCohortsOfDecisionsItWasRunningAt() {
        DecisionCheck check = new DecisionCheck(3, 1.0);
        // decision at step 10: rank 0 predicted to lose 105 at h = 2, rank 1 nothing
        check.record(10, LoadProjection.ofLoads(new double[][] {{105, 0}, {105, 0}, {0, 0}, {0, 0}}));
        // placed after step 10 (not in the cohort) and finishing at step 12 on rank 1: ignored
        check.onFinished(1, 500, 2, 12);
        // placed after step 5, load 100 + 5 at the decision, finishing at step 12 on rank 0: exactly as predicted
        check.onFinished(0, 100, 7, 12);
        check.judge(12);
        assertThat(check.judged()).as("not before its horizon has passed").isZero();
        check.judge(13);
        assertThat(check.judged()).isEqualTo(1);
        assertThat(check.skill(2)).isCloseTo(1.0, within(1e-12));
        assertThat(check.skill(3)).isCloseTo(1.0, within(1e-12));
        assertThat(check.skill(1))
                .as("nothing left at h = 1, predicted or realized")
                .isZero();
    }

    @Test
    void aRestoredCheckChoosesTheSameHorizon() {
        DecisionCheck check = judge(300, Prediction.TRUE, 4);
        DecisionCheck restored = new DecisionCheck(H, 0.9);
        restored.restoreState(check.saveState());
        assertThat(restored.judged()).isEqualTo(check.judged());
        assertThat(restored.horizon(H)).isEqualTo(check.horizon(H)).isEqualTo(H);
        assertThat(restored.skillUpTo(H)).isEqualTo(check.skillUpTo(H));
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
     * A lookahead that predicts nothing ({@code none}: every rank keeps its load) never beats "every rank loses
     * alike", so BF-IO with the check is exactly {@code bfio:h=0}; the oracle's predictions pass the check and BF-IO
     * looks the whole horizon ahead.
     */
    @Test
    void withTheCheckAUselessLookaheadIsExactlyHZeroAndTheOracleLooksAhead() {
        List<BfioPolicy> policies = new ArrayList<>();
        SimulationResult h0 = run("bfio:h=0", policies);
        SimulationResult none = run("bfio:h=20,lookahead=none,check=true", policies);
        SimulationResult oracle = run("bfio:h=20,lookahead=oracle,check=true", policies);
        SimulationResult noneCalibrated = run("bfio:h=20,lookahead=none,check=calibrate", policies);
        SimulationResult oracleCalibrated = run("bfio:h=20,lookahead=oracle,check=calibrate", policies);
        assertThat(none.avgImbalance()).isEqualTo(h0.avgImbalance());
        assertThat(none.energyJoules()).isEqualTo(h0.energyJoules());
        assertThat(policies.get(1).check().horizon(20)).isZero();
        assertThat(policies.get(1).name()).isEqualTo("bfio:h=20,check=true,lookahead=none");

        DecisionCheck oracleCheck = policies.get(2).check();
        assertThat(oracleCheck.judged()).isGreaterThan(1000);
        assertThat(oracleCheck.skillUpTo(20)).isGreaterThan(0.5);
        assertThat(oracleCheck.horizon(20)).isEqualTo(20);
        assertThat(oracle.avgImbalance()).isNotEqualTo(h0.avgImbalance());

        // calibrated: the predicted differences scaled by how well they matched (none: by 0, so exactly h=0)
        assertThat(noneCalibrated.avgImbalance()).isEqualTo(h0.avgImbalance());
        assertThat(policies.get(3).check().calibration(20)).isZero();
        DecisionCheck calibrated = policies.get(4).check();
        assertThat(calibrated.calibration(20)).isGreaterThan(0.5);
        assertThat(oracleCalibrated.avgImbalance()).isNotEqualTo(h0.avgImbalance());
    }

    @Test
    void checkTakesFalseTrueOrCalibrate() {
        assertThat(PolicyFactory.create(PolicySpec.parse("bfio:check=calibrate"), "oracle", 1)
                        .policy()
                        .name())
                .isEqualTo("bfio:h=20,check=calibrate,lookahead=oracle");
        assertThat(PolicyFactory.create(PolicySpec.parse("bfio:check=false"), "oracle", 1)
                        .policy()
                        .name())
                .isEqualTo("bfio:h=20,lookahead=oracle");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> PolicyFactory.create(PolicySpec.parse("bfio:check=maybe"), "oracle", 1))
                .hasMessageContaining("check must be false, true or calibrate");
    }
}
