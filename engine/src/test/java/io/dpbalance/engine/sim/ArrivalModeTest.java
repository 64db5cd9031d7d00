package io.dpbalance.engine.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpbalance.engine.lookahead.OracleLookahead;
import io.dpbalance.engine.policy.LeastTokensPolicy;
import io.dpbalance.engine.testing.ProjectData;
import io.dpbalance.engine.trace.ReadOptions;
import io.dpbalance.engine.trace.Workload;
import io.dpbalance.engine.trace.WorkloadFormat;
import io.dpbalance.engine.trace.WorkloadReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Arrival mode on every timed format, with latency metrics, and the effect of --time-scale on load. */
class ArrivalModeTest {

    private static SimulationResult arrival(Workload w, int ranks, int batch) {
        return Simulator.run(
                w.requests(),
                WorkloadMode.ARRIVAL,
                ClusterConfig.reference(ranks, batch),
                0,
                new LeastTokensPolicy(),
                new OracleLookahead(),
                null);
    }

    private static void assertLatencyMetrics(SimulationResult r, int requests) {
        assertThat(r.finished()).isEqualTo(requests);
        assertThat(r.averagedSteps()).isEqualTo(r.steps()).isPositive();
        assertThat(r.queueWaitP50S()).isNotNaN().isGreaterThanOrEqualTo(0);
        assertThat(r.queueWaitP95S()).isGreaterThanOrEqualTo(r.queueWaitP50S());
        assertThat(r.queueWaitP99S()).isGreaterThanOrEqualTo(r.queueWaitP95S());
        assertThat(r.e2eP50S()).isPositive();
        assertThat(r.e2eP99S()).isGreaterThanOrEqualTo(r.e2eP95S()).isGreaterThanOrEqualTo(r.e2eP50S());
        assertThat(r.meanTpotS()).isPositive();
    }

    @Test
    void runsTheAzureTraceWithLatencyMetrics() {
        Workload w = WorkloadReader.read(
                ProjectData.azureConversationTrace(),
                WorkloadFormat.AZURE,
                ReadOptions.defaults().withLimit(2000));
        assertLatencyMetrics(arrival(w, 2, 8), 2000);
    }

    @Test
    void runsAMooncakeTraceWithLatencyMetrics(@TempDir Path dir) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            sb.append(String.format(
                    "{\"timestamp\": %d, \"input_length\": %d, \"output_length\": %d, \"hash_ids\": [1, 2]}%n",
                    i * 50, 100 + (i * 37) % 900, 5 + (i * 13) % 60));
        }
        Path file = Files.writeString(dir.resolve("mooncake.jsonl"), sb);
        Workload w = WorkloadReader.read(file, WorkloadFormat.AUTO, ReadOptions.defaults());
        assertThat(w.format()).isEqualTo(WorkloadFormat.MOONCAKE);
        assertLatencyMetrics(arrival(w, 2, 4), 300);
    }

    @Test
    void runsABurstGptTraceWithLatencyMetrics(@TempDir Path dir) throws IOException {
        StringBuilder sb = new StringBuilder("Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type\n");
        for (int i = 0; i < 300; i++) {
            int prompt = 100 + (i * 37) % 900;
            int response = i % 50 == 49 ? 0 : 5 + (i * 13) % 60;
            sb.append(String.format(
                    "%.3f,ChatGPT,%d,%d,%d,Conversation log%n", i * 0.05, prompt, response, prompt + response));
        }
        Path file = Files.writeString(dir.resolve("burst.csv"), sb);
        Workload w = WorkloadReader.read(file, WorkloadFormat.AUTO, ReadOptions.defaults());
        assertThat(w.format()).isEqualTo(WorkloadFormat.BURSTGPT);
        assertThat(w.skipped()).isEqualTo(6);
        assertLatencyMetrics(arrival(w, 2, 4), 294);
    }

    @Test
    void compressingTheTraceRaisesTheLoadAndStretchingItLowersIt() {
        Path trace = ProjectData.azureConversationTrace();
        ReadOptions options = ReadOptions.defaults().withLimit(1500);
        SimulationResult compressed =
                arrival(WorkloadReader.read(trace, WorkloadFormat.AZURE, options.withTimeScale(0.1)), 1, 8);
        SimulationResult original = arrival(WorkloadReader.read(trace, WorkloadFormat.AZURE, options), 1, 8);
        SimulationResult stretched =
                arrival(WorkloadReader.read(trace, WorkloadFormat.AZURE, options.withTimeScale(4)), 1, 8);

        // more requests in flight per step, more waiting for a slot, and the same work done in less wall time
        double compressedConcurrency = (double) compressed.tokens() / compressed.steps();
        double originalConcurrency = (double) original.tokens() / original.steps();
        double stretchedConcurrency = (double) stretched.tokens() / stretched.steps();
        assertThat(compressedConcurrency).isGreaterThan(originalConcurrency);
        assertThat(originalConcurrency).isGreaterThan(stretchedConcurrency);
        assertThat(compressed.queueWaitP95S()).isGreaterThan(original.queueWaitP95S());
        assertThat(original.queueWaitP95S()).isGreaterThanOrEqualTo(stretched.queueWaitP95S());
        assertThat(compressed.tokens()).isEqualTo(original.tokens()).isEqualTo(stretched.tokens());
    }
}
