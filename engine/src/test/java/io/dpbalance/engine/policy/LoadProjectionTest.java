package io.dpbalance.engine.policy;

import static io.dpbalance.engine.policy.RefillStates.state;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.dpbalance.engine.lookahead.HazardLookahead;
import io.dpbalance.engine.model.Request;
import io.dpbalance.engine.sim.ClusterConfig;
import io.dpbalance.engine.sim.ClusterSimulation;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class LoadProjectionTest {

    @Test
    void aRequestCountsUntilItsPredictedEndAndUnknownEndsCountThroughTheHorizon() {
        // rank 0: 100 tokens ending in 2 steps, 50 of unknown end; rank 1: 30 ending in 1 step
        RefillState s = state(2, new int[][][] {{{90, 10, 2}, {50, 0, -1}}, {{30, 0, 1}}});
        LoadProjection p = LoadProjection.of(s, 3);
        assertThat(new double[] {p.load(0, 0), p.load(1, 0), p.load(2, 0), p.load(3, 0)})
                .containsExactly(150, 150, 50, 50);
        assertThat(new double[] {p.load(0, 1), p.load(1, 1), p.load(2, 1)}).containsExactly(30, 0, 0);
        assertThat(p.envelope(2)).isEqualTo(50);
        // sum_h (G M(h) - sum L(h)) = (300-180) + (300-150) + (100-50) + (100-50)
        assertThat(p.objective()).isEqualTo(370);
    }

    @Test
    void addedPromptMassRaisesEveryStepAndTheEnvelope() {
        LoadProjection p = LoadProjection.ofLoads(new double[][] {{100, 40}, {60, 40}});
        p.add(1, 80);
        assertThat(p.load(0, 1)).isEqualTo(120);
        assertThat(p.envelope(0)).isEqualTo(120);
        assertThat(p.envelope(1)).isEqualTo(120);
        assertThat(p.margin(1, 0)).isEqualTo(60);
    }

    @Test
    void aLearnedDistributionGivesExpectedLoadsForRunningAndNewRequests() {
        HazardLookahead hazard = new HazardLookahead();
        // half of the requests finished after 2 tokens, half after 4
        for (int i = 0; i < 10; i++) {
            hazard.onFinished(2);
            hazard.onFinished(4);
        }
        AtomicReference<LoadProjection> seen = new AtomicReference<>();
        Policy probe = new Policy() {
            @Override
            public String name() {
                return "probe";
            }

            @Override
            public void refill(RefillContext ctx) {
                if (ctx.step() == 1) {
                    seen.set(LoadProjection.of(ctx, 3));
                }
                new FcfsPolicy().refill(ctx);
            }
        };
        ClusterSimulation sim = new ClusterSimulation(ClusterConfig.reference(1, 2), probe, hazard, null);
        sim.enqueue(new Request("a", 0, 0, 99, 50));
        sim.refill();
        sim.step();
        sim.enqueue(new Request("b", 1, 0, 10, 50));
        sim.refill();
        LoadProjection p = seen.get();
        // 'a' has generated 1 token (load 100): P(O > 1 + h | O > 1) = 1/2, 1/2, 0 for h = 1, 2, 3
        assertThat(p.load(0, 0)).isEqualTo(100);
        assertThat(p.load(1, 0)).isCloseTo(50, within(1e-9));
        assertThat(p.load(2, 0)).isCloseTo(50, within(1e-9));
        assertThat(p.load(3, 0)).isCloseTo(0, within(1e-9));
        // a new request's prompt is expected to stay with P(O > h) = 1, 1/2, 1/2 for h = 1, 2, 3
        assertThat(p.newShare(2)).isCloseTo(0.5, within(1e-12));
        p.add(0, 10);
        assertThat(p.load(2, 0)).isCloseTo(55, within(1e-9));
    }

    @Test
    void pointPredictionsAddNewMassInFull() {
        LoadProjection p = LoadProjection.of(state(1, new int[][][] {{}}), 4);
        p.add(0, 7);
        assertThat(p.newShare(4)).isEqualTo(1.0);
        assertThat(p.load(4, 0)).isEqualTo(7);
    }

    @Test
    void scalingTheDifferencesBetweenRanksKeepsTheMeanLossAndTruncationKeepsTheFirstSteps() {
        // rank 0 loses 60 by h = 1 and 100 by h = 2, rank 1 loses 20 and 20: mean losses 40 and 60
        double[][] loads = {{100, 50}, {40, 30}, {0, 30}};
        LoadProjection same = LoadProjection.ofLoads(loads);
        same.scaleDifferences(new double[] {0, 1, 1});
        assertThat(same.load(2, 0)).isEqualTo(0);
        assertThat(same.load(2, 1)).isEqualTo(30);

        LoadProjection alike = LoadProjection.ofLoads(loads);
        alike.scaleDifferences(new double[] {0, 0, 0.5});
        assertThat(alike.load(1, 0)).isEqualTo(60); // loses the mean, 40
        assertThat(alike.load(1, 1)).isEqualTo(10);
        assertThat(alike.load(2, 0)).isEqualTo(100 - (60 + 0.5 * 40));
        assertThat(alike.load(2, 1)).isEqualTo(50 - (60 - 0.5 * 40));
        assertThat(alike.envelope(1)).isEqualTo(60);
        assertThat(alike.load(0, 0)).isEqualTo(100);

        LoadProjection first = LoadProjection.ofLoads(loads).truncated(1);
        assertThat(first.horizon()).isEqualTo(1);
        assertThat(first.load(1, 0)).isEqualTo(40);
        assertThat(first.envelope(1)).isEqualTo(40);
        assertThat(first.objective()).isEqualTo((2 * 100 - 150) + (2 * 40 - 70));
    }
}
