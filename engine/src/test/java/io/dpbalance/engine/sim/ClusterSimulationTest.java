package io.dpbalance.engine.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.dpbalance.engine.lookahead.OracleLookahead;
import io.dpbalance.engine.metrics.CostModel;
import io.dpbalance.engine.metrics.PowerProfile;
import io.dpbalance.engine.metrics.StepStats;
import io.dpbalance.engine.model.Request;
import io.dpbalance.engine.policy.FcfsPolicy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The step semantics of docs/design.md §3 on scenarios small enough to follow by hand. */
class ClusterSimulationTest {

    /** T = 1 s + 1 ms per resident token of the busiest rank: easy to follow by hand. */
    private static final CostModel UNIT_COST = new CostModel(1.0, 0.001);

    private static Request req(String id, long seq, double arrival, int prompt, int output) {
        return new Request(id, seq, arrival, prompt, output);
    }

    @Test
    void poolModeFollowsDecodeDepartRecordRefillAndAveragesUpToTheLastPlacement() {
        List<Request> requests = List.of(req("A", 0, 0, 10, 2), req("B", 1, 0, 5, 1), req("C", 2, 0, 3, 3));
        List<StepStats> steps = new ArrayList<>();
        SimulationListener capture = new SimulationListener() {
            @Override
            public void onStep(StepStats m) {
                steps.add(m);
            }
        };
        ClusterConfig config = new ClusterConfig(2, 2, UNIT_COST, PowerProfile.REFERENCE);
        SimulationResult r =
                Simulator.run(requests, WorkloadMode.POOL, config, 2, new FcfsPolicy(), new OracleLookahead(), capture);

        // fill: pool [A, B] -> both on rank 0 (L = 15, 0)
        // step 1: T = 1.015; A 11, B 6 -> B departs -> loads (11, 0); refill: C joins, rank 0 has a slot -> 14
        // step 2: T = 1.014; A 12 departs, C 4 -> loads (4, 0)
        // step 3: T = 1.004; C 5 -> loads (5, 0)
        // step 4: T = 1.005; C 6 departs -> loads (0, 0)
        assertThat(steps).extracting(StepStats::imbalance).containsExactly(11L, 4L, 5L, 0L);
        assertThat(steps).extracting(StepStats::tokens).containsExactly(2L, 2L, 1L, 1L);
        assertThat(steps.get(0).stepSeconds()).isCloseTo(1.015, within(1e-12));
        assertThat(steps.get(1).stepSeconds()).isCloseTo(1.014, within(1e-12));
        assertThat(steps.get(1).stepStart()).isCloseTo(1.015, within(1e-12));
        assertThat(r.steps()).isEqualTo(4);
        assertThat(r.averagedSteps()).isEqualTo(1);
        assertThat(r.avgImbalance()).isEqualTo(11.0);
        assertThat(r.avgIdleFraction()).isCloseTo(0.5, within(1e-15));
        assertThat(r.throughputTokensPerS()).isCloseTo(2 / 1.015, within(1e-12));
        // TPOT: A (2.029 - 0) / 2, B (1.015 - 0) / 1, C (4.038 - 1.015) / 3
        double tpot = ((2.029 / 2) + 1.015 + (4.038 - 1.015) / 3) / 3;
        assertThat(r.meanTpotS()).isCloseTo(tpot, within(1e-12));
        assertThat(r.finished()).isEqualTo(3);
        assertThat(r.decisions()).isEqualTo(2);
        assertThat(r.queueWaitP50S()).isNaN();
    }

    @Test
    void arrivalModeIdlesUntilTheNextArrivalAndMeasuresQueueWait() {
        List<Request> requests = List.of(req("X", 0, 0.0, 1, 2), req("Y", 1, 0.5, 1, 1), req("Z", 2, 10.0, 1, 1));
        ClusterConfig config = new ClusterConfig(1, 1, new CostModel(1.0, 0.0), PowerProfile.REFERENCE);
        SimulationResult r =
                Simulator.run(requests, WorkloadMode.ARRIVAL, config, 0, new FcfsPolicy(), new OracleLookahead(), null);

        // X runs steps 1-2 (clock 2); Y waits from 0.5 to 2, runs step 3; idle until 10; Z runs step 4
        assertThat(r.steps()).isEqualTo(4);
        assertThat(r.averagedSteps()).isEqualTo(4);
        assertThat(r.seconds()).isCloseTo(4.0, within(1e-12));
        // queue waits (0, 1.5, 0), e2e (2, 2.5, 1): linear-interpolation percentiles
        assertThat(r.queueWaitP50S()).isCloseTo(0.0, within(1e-12));
        assertThat(r.queueWaitP99S()).isCloseTo(1.5 * 0.98, within(1e-12));
        assertThat(r.e2eP50S()).isCloseTo(2.0, within(1e-12));
        assertThat(r.meanTpotS()).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void placementsAreStickyAndLoadsGrowByOneTokenPerRunningRequest() {
        ClusterSimulation sim = new ClusterSimulation(
                new ClusterConfig(2, 3, UNIT_COST, PowerProfile.REFERENCE),
                new FcfsPolicy(),
                new OracleLookahead(),
                null);
        sim.enqueue(req("a", 0, 0, 100, 5));
        sim.enqueue(req("b", 1, 0, 50, 5));
        sim.refill();
        assertThat(sim.loads()).containsExactly(150, 0);
        sim.step();
        assertThat(sim.loads()).containsExactly(152, 0);
        assertThat(sim.runningPerRank()).containsExactly(2, 0);
    }

    @Test
    void decodeObserverSeesEveryTokenAndRankStepsWhoseLoadsAreTheMetricsLoads() {
        ClusterSimulation sim = new ClusterSimulation(
                new ClusterConfig(2, 2, UNIT_COST, PowerProfile.REFERENCE),
                new FcfsPolicy(),
                new OracleLookahead(),
                null);
        java.util.Map<String, Long> foldedTokens = new java.util.TreeMap<>();
        java.util.Map<String, Long> rankSteps = new java.util.TreeMap<>();
        java.util.List<String> tokens = new ArrayList<>();
        sim.observeDecode(new DecodeObserver() {
            @Override
            public void onToken(
                    Request request,
                    int rank,
                    long step,
                    double stepStart,
                    double stepSeconds,
                    int contextTokens,
                    boolean last) {
                tokens.add(request.id() + "@" + step + ":" + contextTokens + (last ? "!" : ""));
                foldedTokens.merge(rank + "/" + step, last ? 0L : contextTokens, Long::sum);
            }

            @Override
            public void onRankStep(int rank, long step, double stepStart, double stepSeconds, int running, long kv) {
                rankSteps.put(rank + "/" + step, kv);
            }
        });
        sim.enqueue(req("A", 0, 0, 10, 2));
        sim.enqueue(req("B", 1, 0, 5, 1));
        sim.enqueue(req("C", 2, 0, 3, 3));
        sim.refill();
        List<StepStats> metrics = new ArrayList<>();
        while (sim.totalRunning() > 0) {
            metrics.add(sim.step());
        }
        // A and B on rank 0, C on rank 1: A 11, 12!; B 6!; C 4, 5, 6!
        assertThat(tokens).containsExactly("A@1:11", "B@1:6!", "C@1:4", "A@2:12!", "C@2:5", "C@3:6!");
        assertThat(rankSteps)
                .containsEntry("0/1", 11L)
                .containsEntry("1/1", 4L)
                .containsEntry("0/2", 0L)
                .containsEntry("1/2", 5L)
                .containsEntry("0/3", 0L)
                .containsEntry("1/3", 0L);
        foldedTokens.forEach(
                (key, load) -> assertThat(rankSteps.get(key)).as(key).isEqualTo(load));
        assertThat(metrics.get(0).maxLoad()).isEqualTo(11);
        assertThat(metrics.get(0).totalLoad()).isEqualTo(15);
    }
}
