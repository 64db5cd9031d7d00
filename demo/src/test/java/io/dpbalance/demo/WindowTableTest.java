package io.dpbalance.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.dpbalance.schemas.WindowMetrics;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WindowTableTest {

    private static final long T0 = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();

    private static WindowMetrics window(
            String cluster,
            String label,
            int index,
            long steps,
            double idle,
            double imbalance,
            long tokens,
            double joules) {
        return WindowMetrics.newBuilder()
                .setClusterId(cluster)
                .setPolicy(label)
                .setWindowStart(Instant.ofEpochMilli(T0 + index * 5_000L))
                .setWindowEnd(Instant.ofEpochMilli(T0 + (index + 1) * 5_000L))
                .setSteps(steps)
                .setAvgImbalance(imbalance)
                .setAvgIdleFraction(idle)
                .setP50IdleFraction(idle)
                .setP95IdleFraction(idle)
                .setP99IdleFraction(idle)
                .setTokens(tokens)
                .setEnergyJoules(joules)
                .setIdleEnergyJoules(0)
                .setTokensPerJoule(tokens / joules)
                .setThroughputTokensPerS(tokens / 5.0)
                .setLateRecords(0)
                .setMissingRankSteps(0)
                .build();
    }

    @Test
    void averagesOverStepsOfTheWindowsEveryLabelHas() {
        WindowTable table = new WindowTable();
        table.add(window("c", "observed", 0, 100, 0.4, 40, 1000, 100));
        table.add(window("c", "observed", 1, 300, 0.2, 20, 3000, 200));
        table.add(window("c", "observed", 2, 50, 0.9, 90, 500, 50)); // the shadow has not closed window 2 yet
        table.add(window("c", "vllm", 0, 100, 0.5, 50, 1000, 110));
        table.add(window("c", "vllm", 1, 100, 0.1, 10, 1000, 90));

        List<PolicyRow> rows = table.rows(List.of("vllm"), Map.of(DecisionLatencies.key("c", "vllm"), 7.0));

        assertThat(rows).extracting(PolicyRow::label).containsExactly("observed", "vllm");
        PolicyRow observed = rows.get(0);
        assertThat(observed.windows()).isEqualTo(2);
        assertThat(observed.steps()).isEqualTo(400);
        assertThat(observed.idleFraction()).isCloseTo((0.4 * 100 + 0.2 * 300) / 400, within(1e-12));
        assertThat(observed.imbalance()).isCloseTo((40.0 * 100 + 20 * 300) / 400, within(1e-9));
        assertThat(observed.joulesPerToken()).isCloseTo(300.0 / 4000, within(1e-12));
        assertThat(observed.p99DecisionMicros()).isNaN();
        PolicyRow vllm = rows.get(1);
        assertThat(vllm.idleFraction()).isCloseTo(0.3, within(1e-12));
        assertThat(vllm.tokens()).isEqualTo(2000);
        assertThat(vllm.p99DecisionMicros()).isEqualTo(7.0);
    }

    @Test
    void aWindowReadTwiceCountsOnce() {
        WindowTable table = new WindowTable();
        table.add(window("c", "observed", 0, 100, 0.4, 40, 1000, 100));
        table.add(window("c", "observed", 0, 100, 0.4, 40, 1000, 100));

        assertThat(table.records()).isEqualTo(2);
        assertThat(table.rows(List.of(), Map.of()))
                .singleElement()
                .satisfies(row -> assertThat(row.steps()).isEqualTo(100));
    }

    @Test
    void listsObservedFirstThenPoliciesInTheGivenOrderPerCluster() {
        WindowTable table = new WindowTable();
        table.add(window("b", "vllm", 0, 1, 0.1, 1, 1, 1));
        table.add(window("a", "bfio", 0, 1, 0.1, 1, 1, 1));
        table.add(window("a", "vllm", 0, 1, 0.1, 1, 1, 1));
        table.add(window("a", "observed", 0, 1, 0.1, 1, 1, 1));

        assertThat(table.rows(List.of("vllm", "bfio"), Map.of()))
                .extracting(row -> row.cluster() + "/" + row.label())
                .containsExactly("a/observed", "a/vllm", "a/bfio", "b/vllm");
    }

    @Test
    void seriesHoldEveryCommittedWindowOfALabel() {
        WindowTable table = new WindowTable();
        table.add(window("c", "observed", 1, 10, 0.2, 1, 1, 1));
        table.add(window("c", "observed", 0, 10, 0.3, 1, 1, 1));

        List<double[]> points = table.idleSeries("c", List.of()).get("observed");

        assertThat(points).hasSize(2);
        assertThat(points.get(0)).containsExactly(T0 + 5_000, 0.3, 1);
        assertThat(points.get(1)).containsExactly(T0 + 10_000, 0.2, 1);
    }
}
