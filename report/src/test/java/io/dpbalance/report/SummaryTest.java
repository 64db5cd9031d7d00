package io.dpbalance.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.dpbalance.schemas.WindowMetrics;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The table's and CSV's numbers against the fixtures' values, worked out by hand (see {@link Fixtures}). */
class SummaryTest {

    private static final ReportData DATA =
            new ReportData(Fixtures.steps(), Fixtures.windows(), List.of(), List.of(), List.of(), List.of());

    @Test
    void stepMetricsWinOverWindowsAndWindowsFillIn() {
        List<PolicySummary> summaries = PolicySummary.of(DATA);

        assertThat(summaries)
                .extracting(PolicySummary::policy, PolicySummary::source)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("observed", "step-metrics"),
                        org.assertj.core.groups.Tuple.tuple("vllm", "window-metrics"),
                        org.assertj.core.groups.Tuple.tuple("bfio", "step-metrics"));
    }

    @Test
    void policyOrderDoesNotDependOnTheRecordsOrder() {
        List<WindowMetrics> windows = new ArrayList<>(List.of(
                Fixtures.window("c1", "bfio:h=0", 0, 1, 10, 0.1, 10, 10, 10),
                Fixtures.window("c1", "vllm", 0, 1, 10, 0.1, 10, 10, 10),
                Fixtures.window("c1", "observed", 0, 1, 10, 0.1, 10, 10, 10),
                Fixtures.window("c1", "least-tokens", 0, 1, 10, 0.1, 10, 10, 10)));
        ReportData asRead = new ReportData(List.of(), windows, List.of(), List.of(), List.of(), List.of());
        Collections.reverse(windows);
        ReportData reversed = new ReportData(List.of(), windows, List.of(), List.of(), List.of(), List.of());

        for (ReportData data : List.of(asRead, reversed)) {
            assertThat(PolicySummary.policyOrder(data)).containsExactly("observed", "least-tokens", "vllm", "bfio:h=0");
            assertThat(PolicySummary.of(data))
                    .extracting(PolicySummary::policy)
                    .containsExactly("observed", "least-tokens", "vllm", "bfio:h=0");
        }
    }

    @Test
    void observedFromItsThreeSteps() {
        PolicySummary observed = PolicySummary.of(DATA).get(0);

        assertThat(observed.steps()).isEqualTo(3);
        assertThat(observed.avgImbalance()).isCloseTo(200.0, within(1e-9));
        assertThat(observed.avgIdleFraction()).isCloseTo(0.2, within(1e-12));
        assertThat(observed.tokens()).isEqualTo(60);
        assertThat(observed.energyJoules()).isCloseTo(30.0, within(1e-9));
        assertThat(observed.energyPerToken()).isCloseTo(0.5, within(1e-12));
        assertThat(observed.tokensPerJoule()).isCloseTo(2.0, within(1e-12));
        assertThat(observed.throughputTokensPerS()).isCloseTo(15.0, within(1e-9));
        assertThat(observed.from()).isEqualTo(Fixtures.at(0));
        assertThat(observed.to()).isEqualTo(Fixtures.at(12_000));
    }

    /** Steps of a sampled log count the steps they stand for, as in the job's windows. */
    @Test
    void sampledStepsCountTheStepsTheyStandFor() {
        List<io.dpbalance.schemas.StepMetrics> steps = new ArrayList<>(Fixtures.steps());
        steps.replaceAll(m -> m.getPolicy().equals("observed")
                ? io.dpbalance.schemas.StepMetrics.newBuilder(m)
                        .setSampledSteps(m.getStep() == 1 ? 38L : 1L)
                        .build()
                : m);
        PolicySummary observed = PolicySummary.of(
                        new ReportData(steps, Fixtures.windows(), List.of(), List.of(), List.of(), List.of()))
                .get(0);
        PolicySummary unsampled = PolicySummary.of(DATA).get(0);

        assertThat(observed.steps()).isEqualTo(40);
        assertThat(observed.tokens()).isGreaterThan(unsampled.tokens());
        assertThat(observed.energyJoules()).isGreaterThan(unsampled.energyJoules());
    }

    @Test
    void vllmFromItsWindowsWeightedBySteps() {
        PolicySummary vllm = PolicySummary.of(DATA).get(1);

        assertThat(vllm.steps()).isEqualTo(8);
        assertThat(vllm.avgImbalance()).isCloseTo(250.0, within(1e-9)); // (2*100 + 6*300) / 8
        assertThat(vllm.avgIdleFraction()).isCloseTo(0.2, within(1e-12)); // (2*0.5 + 6*0.1) / 8
        assertThat(vllm.tokens()).isEqualTo(40);
        assertThat(vllm.energyPerToken()).isCloseTo(1.0, within(1e-12));
        assertThat(vllm.throughputTokensPerS()).isCloseTo(8.0, within(1e-9)); // 40 tokens / (2 s + 3 s)
        assertThat(vllm.to()).isEqualTo(Fixtures.at(20_000));
    }

    @Test
    void terminalTableShowsTheNumbers() {
        String table = TerminalTable.render(DATA);

        assertThat(table).contains("cluster c1: 2026-01-01 00:00:00.000 UTC .. 2026-01-01 00:00:20.000 UTC");
        assertThat(rowOf(table, "observed"))
                .containsExactly(
                        "observed",
                        "3",
                        "0.2000",
                        "1.000",
                        "200.0",
                        "30.0",
                        "0.5000",
                        "2.0000",
                        "15.0",
                        "step-metrics");
        assertThat(rowOf(table, "vllm"))
                .containsExactly(
                        "vllm", "8", "0.2000", "1.000", "250.0", "40.0", "1.0000", "1.0000", "8.0", "window-metrics");
        // bfio: idle (0 + 0.1) / 2 = 0.05, a quarter of observed's; imbalance 50; 20 J / 20 tokens; 20 tokens / 2 s
        assertThat(rowOf(table, "bfio"))
                .containsExactly(
                        "bfio", "2", "0.0500", "0.250", "50.0", "20.0", "1.0000", "1.0000", "10.0", "step-metrics");
    }

    @Test
    void terminalTableListsSimulateAndSweepRows() {
        ReportData rows = new ReportData(
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                List.of(
                        SimRowJson.toSimRow(
                                json(Fixtures.SIMULATE_ARRIVAL.lines().toList().get(0)), "f:1"),
                        SimRowJson.toSimRow(json(Fixtures.SWEEP.lines().toList().get(1)), "g:2")),
                List.of());

        String table = TerminalTable.render(rows);

        assertThat(rowOf(table, "vllm"))
                .containsExactly(
                        "vllm", "arrival", "4", "8", "40", "0.2500", "120.5", "2.0000", "0.5000", "0.900", "3.000");
        assertThat(table).contains("sweep --json rows");
        assertThat(table.lines()
                        .filter(l -> l.contains("bfio:h=0,lookahead=oracle"))
                        .findFirst()
                        .orElseThrow()
                        .trim()
                        .split("\\s+"))
                .containsExactly("4", "8", "bfio:h=0,lookahead=oracle", "0.0500", "25.0", "4.00");
    }

    @Test
    void csvHasARowPerPolicyAndPerSimulationRow() {
        ReportData all = DATA.plus(new ReportData(
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                List.of(SimRowJson.toSimRow(json(Fixtures.SWEEP.lines().toList().get(1)), "g:2")),
                List.of()));

        List<String> lines = CsvReport.render(all).lines().toList();

        assertThat(lines.get(0)).isEqualTo(CsvReport.HEADER);
        assertThat(lines).hasSize(5);
        // the mean idle fraction as doubles sum it: (0.1 + 0.2 + 0.3) / 3 prints as 0.20000000000000004
        assertThat(lines.get(1))
                .isEqualTo("job,c1,observed,step-metrics,,,,3," + (0.1 + 0.2 + 0.3) / 3
                        + ",200.0,60,30.0,3.0,0.5,2.0,15.0,"
                        + "2026-01-01 00:00:00.000 UTC,2026-01-01 00:00:12.000 UTC,,,,,,,");
        assertThat(lines.get(4))
                .isEqualTo("sweep,,\"bfio:h=0,lookahead=oracle\",g:2,pool,4,8,9,0.05,25.0,1,1.0,,1.0,"
                        + "1.0,1.0,,,,,,,,,4.0");
    }

    @Test
    void emptyInputsSaySo() {
        assertThat(TerminalTable.render(ReportData.empty())).isEqualTo("no records in the inputs\n");
    }

    private static List<String> rowOf(String table, String policy) {
        return List.of(table.lines()
                .filter(l -> l.startsWith(policy + " "))
                .findFirst()
                .orElseThrow()
                .trim()
                .split("\\s+"));
    }

    private static com.fasterxml.jackson.databind.JsonNode json(String line) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(line);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }
}
