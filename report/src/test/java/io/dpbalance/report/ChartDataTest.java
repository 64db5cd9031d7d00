package io.dpbalance.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartDataTest {

    @TempDir
    Path dir;

    private JsonNode blob(ReportOptions options) throws IOException {
        return ChartData.build(ReportData.fromFiles(Fixtures.writeAll(dir)), options);
    }

    @Test
    void idleOverTimeComesFromWindowsPerPolicy() throws IOException {
        JsonNode idle = blob(ReportOptions.defaults()).get("idleOverTime");

        assertThat(idle.get("source").asText()).startsWith("WindowMetrics");
        assertThat(idle.get("series").findValuesAsText("name")).containsExactly("observed", "vllm");
        JsonNode vllm = idle.get("series").get(1).get("points");
        assertThat(vllm.toString())
                .isEqualTo("[[" + Fixtures.at(0).toEpochMilli() + ",0.5],["
                        + Fixtures.at(10_000).toEpochMilli() + ",0.1]]");
    }

    @Test
    void imbalanceCdfIsTheStepsSortedWithTheirRankFraction() throws IOException {
        JsonNode cdf = blob(ReportOptions.defaults()).get("imbalanceCdf");

        assertThat(cdf.get("series").findValuesAsText("name")).containsExactly("observed", "bfio");
        assertThat(cdf.get("series").get(0).get("points").toString())
                .isEqualTo("[[100.0,0.3333333333333333],[200.0,0.6666666666666666],[300.0,1.0]]");
        assertThat(cdf.get("series").get(1).get("points").toString()).isEqualTo("[[0.0,0.5],[100.0,1.0]]");
    }

    @Test
    void energyPerPolicyOfTheCluster() throws IOException {
        JsonNode rows = blob(ReportOptions.defaults()).get("energy").get("rows");

        assertThat(rows.toString())
                .isEqualTo("[{\"policy\":\"observed\",\"energyPerToken\":0.5,\"tokensPerJoule\":2.0},"
                        + "{\"policy\":\"vllm\",\"energyPerToken\":1.0,\"tokensPerJoule\":1.0},"
                        + "{\"policy\":\"bfio\",\"energyPerToken\":1.0,\"tokensPerJoule\":1.0}]");
    }

    @Test
    void heatMapDefaultsToTheWindowOfHighestObservedImbalance() throws IOException {
        JsonNode heat = blob(ReportOptions.defaults()).get("rankHeatmap");

        // observed window 1 has mean imbalance 300 > 150: its only step is 3, kv = 300 + rank
        assertThat(heat.get("windowIndex").asInt()).isEqualTo(1);
        assertThat(heat.get("windows").asInt()).isEqualTo(2);
        assertThat(heat.get("windowLabel").asText())
                .isEqualTo("2026-01-01 00:00:10.000 UTC .. 2026-01-01 00:00:20.000 UTC");
        assertThat(heat.get("steps").toString()).isEqualTo("[3]");
        assertThat(heat.get("ranks").asInt()).isEqualTo(4);
        assertThat(heat.get("cells").toString()).isEqualTo("[[0,0,300],[0,1,301],[0,2,302],[0,3,303]]");
        assertThat(heat.get("max").asLong()).isEqualTo(303);
    }

    @Test
    void heatMapWindowByIndexOrInstant() throws IOException {
        JsonNode byIndex = blob(ReportOptions.defaults().withWindow(0)).get("rankHeatmap");
        JsonNode byInstant = blob(ReportOptions.defaults()
                        .withWindow(Fixtures.at(4_321).toEpochMilli()))
                .get("rankHeatmap");

        assertThat(byIndex.get("steps").toString()).isEqualTo("[1,2]");
        assertThat(byIndex.get("cells")).hasSize(8);
        assertThat(byIndex.get("cells").get(7).toString()).isEqualTo("[1,3,203]");
        assertThat(byInstant).isEqualTo(byIndex);
    }

    @Test
    void windowOutsideTheDataIsAnError() {
        long late = Fixtures.at(60_000).toEpochMilli();
        assertThatThrownBy(() -> blob(ReportOptions.defaults().withWindow(late)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--window " + late
                        + ": expected a window index 0..1 or an epoch-millisecond instant "
                        + "inside a window, between " + Fixtures.T0.toEpochMilli() + " (2026-01-01 00:00:00.000 UTC)");
    }

    @Test
    void unknownClusterIsAnError() {
        assertThatThrownBy(() -> blob(ReportOptions.defaults().withCluster("c9")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--cluster c9: no records of that cluster in the inputs; clusters there: c1");
    }

    @Test
    void latencyAndSweepFromSimulationRows() throws IOException {
        JsonNode blob = blob(ReportOptions.defaults());

        JsonNode latency = blob.get("latency").get("rows");
        assertThat(latency.findValuesAsText("policy")).containsExactly("vllm", "bfio:h=0,lookahead=oracle");
        assertThat(latency.get(1).get("queueWaitP99").asDouble()).isEqualTo(0.45);
        assertThat(latency.get(1).get("e2eP50").asDouble()).isEqualTo(0.9);
        JsonNode sweep = blob.get("sweep");
        assertThat(sweep.get("baseline").asText()).isEqualTo("fcfs");
        assertThat(sweep.get("maps")).hasSize(1);
        JsonNode map = sweep.get("maps").get(0);
        assertThat(map.get("policy").asText()).isEqualTo("bfio:h=0,lookahead=oracle");
        assertThat(map.get("ranks").toString()).isEqualTo("[4,8]");
        assertThat(map.get("batches").toString()).isEqualTo("[8]");
        assertThat(map.get("cells").toString()).isEqualTo("[[0,0,4.0],[0,1,3.0]]");
    }

    @Test
    void everySectionSaysWhatIsMissing() {
        JsonNode blob = ChartData.build(ReportData.empty(), ReportOptions.defaults());

        for (String section : List.of("idleOverTime", "imbalanceCdf", "energy", "rankHeatmap", "latency", "sweep")) {
            assertThat(blob.get(section).get("missing").asText()).as(section).isNotBlank();
        }
        assertThat(blob.get("summary")).isEmpty();
    }

    @Test
    void withoutWindowsIdleComesFromStepsAndCdfStaysOnSteps() {
        ReportData steps = new ReportData(Fixtures.steps(), List.of(), List.of(), List.of(), List.of(), List.of());

        JsonNode blob = ChartData.build(steps, ReportOptions.defaults());

        assertThat(blob.get("idleOverTime").get("source").asText()).startsWith("StepMetrics");
        assertThat(blob.get("idleOverTime").get("series").get(0).get("points").toString())
                .isEqualTo("[["
                        + Fixtures.at(0).toEpochMilli() + ",0.1],["
                        + Fixtures.at(1000).toEpochMilli() + ",0.2],["
                        + Fixtures.at(12_000).toEpochMilli() + ",0.3]]");
        assertThat(blob.get("rankHeatmap").get("missing").asText()).startsWith("no RankStep records of cluster c1");
    }
}
