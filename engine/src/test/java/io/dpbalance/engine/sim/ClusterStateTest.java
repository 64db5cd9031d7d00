package io.dpbalance.engine.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpbalance.engine.metrics.StepStats;
import io.dpbalance.engine.model.Request;
import io.dpbalance.engine.policy.PolicyFactory;
import io.dpbalance.engine.policy.PolicySpec;
import io.dpbalance.engine.testing.ProjectData;
import io.dpbalance.engine.trace.ReadOptions;
import io.dpbalance.engine.trace.WorkloadFormat;
import io.dpbalance.engine.trace.WorkloadReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Snapshot, restore into fresh policy and lookahead instances, continue: the same steps as an unbroken run. */
class ClusterStateTest {

    private static List<StepStats> run(List<Request> requests, String policy, int snapshotEvery) {
        ClusterConfig config = ClusterConfig.reference(4, 8);
        List<StepStats> steps = new ArrayList<>();
        SimulationListener record = new SimulationListener() {
            @Override
            public void onStep(StepStats m) {
                steps.add(m);
            }
        };
        PolicyFactory.Instance first = PolicyFactory.create(PolicySpec.parse(policy), "oracle", 3);
        ClusterSimulation sim = new ClusterSimulation(config, first.policy(), first.lookahead(), record);
        int next = 0;
        while (true) {
            while (next < requests.size() && requests.get(next).arrival() <= sim.clock()) {
                sim.enqueue(requests.get(next++));
            }
            sim.refill();
            if (sim.totalRunning() == 0) {
                if (next == requests.size()) {
                    return steps;
                }
                sim.advanceClockTo(requests.get(next).arrival());
                continue;
            }
            sim.step();
            if (snapshotEvery > 0 && sim.stepCount() % snapshotEvery == 0) {
                PolicyFactory.Instance fresh = PolicyFactory.create(PolicySpec.parse(policy), "oracle", 3);
                sim = ClusterSimulation.restore(sim.snapshot(), config, fresh.policy(), fresh.lookahead(), record);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "round-robin",
                "vllm",
                "bfio:h=20",
                "bfio:h=20,lookahead=hazard",
                "trtllm",
                "bfio:h=20,check=true",
                "bfio:h=20,lookahead=learned:warmup=20,check=calibrate"
            })
    void restoredSimulationContinuesExactlyLikeAnUnbrokenOne(String policy) {
        List<Request> requests = WorkloadReader.read(
                        ProjectData.azureConversationTrace(),
                        WorkloadFormat.AZURE,
                        ReadOptions.defaults().withLimit(600).withTimeScale(0.05))
                .requests();
        List<StepStats> unbroken = run(requests, policy, 0);
        List<StepStats> restored = run(requests, policy, 37);
        assertThat(unbroken).hasSizeGreaterThan(1000);
        assertThat(restored).isEqualTo(unbroken);
    }
}
