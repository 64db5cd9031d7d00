package io.dpbalance.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpbalance.engine.model.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SampledErrorTest {

    private static List<Request> workload() {
        SplittableRandom random = new SplittableRandom(5);
        List<Request> requests = new ArrayList<>();
        double t = 0;
        for (int i = 0; i < 300; i++) {
            t += random.nextDouble() * 0.05;
            requests.add(new Request("r-" + i, i, t, 100 + random.nextInt(2000), 20 + random.nextInt(300)));
        }
        return requests;
    }

    @Test
    void everyStepSampledIsExactButForTheStepTimeStandIn() {
        List<SampledError.Row> rows = SampledError.run(workload(), 1, "vllm", new int[] {1, 40});
        SampledError.Row all = rows.get(0);
        assertThat(all.samples()).isEqualTo(all.steps());
        assertThat(all.idleFractionError()).isZero();
        assertThat(all.imbalanceError()).isZero();
        assertThat(all.estimate().tokens).isEqualTo(all.truth().tokens);
        // The only difference left: a log gives the load at the step's end, the engine times by the entering one.
        assertThat(all.energyError()).isLessThan(0.05);
    }

    @Test
    void aSampleEveryFortyStepsStandsForForty() {
        SampledError.Row every40 =
                SampledError.run(workload(), 1, "vllm", new int[] {40}).get(0);
        assertThat(every40.samples()).isEqualTo(every40.steps() / 40);
        assertThat(every40.estimate().totalSteps()).isEqualTo(every40.samples() * 40);
        assertThat(every40.truth().totalSteps()).isEqualTo(every40.steps());
        assertThat(every40.idleFractionError()).isGreaterThan(0).isLessThan(0.2);
        assertThat(every40.estimate().tokens).isNotEqualTo(every40.truth().tokens);
    }
}
