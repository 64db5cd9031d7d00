package io.dpbalance.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PageTest {

    private static DemoState state() {
        PolicyRow observed = new PolicyRow("c", "observed", 2, 400, 0.25, 30.5, 0.075, 4000, Double.NaN);
        PolicyRow bfio = new PolicyRow("c", "bfio:h=20,lookahead=oracle", 2, 410, 0.125, 12.0, 0.08, 4100, 412.5);
        return new DemoState(
                "t",
                "setup </script> \"quoted\"",
                "stopped",
                List.of(observed, bfio),
                Map.of("c", Map.of("observed", List.of(new double[] {1000, 0.25}))));
    }

    @Test
    void jsonCarriesEveryRowAtFullPrecisionAndNullForMissingNumbers() {
        String json = state().toJson();

        assertThat(json)
                .contains(
                        "\"label\":\"observed\"",
                        "\"idle_fraction\":0.25",
                        "\"p99_decision_us\":null",
                        "\"label\":\"bfio:h=20,lookahead=oracle\"",
                        "\"p99_decision_us\":412.5",
                        "\"points\":[[1000,0.25]]");
        assertThat(json).contains("\\u003c/script> \\\"quoted\\\"").doesNotContain("</script");
    }

    @Test
    void livePageLoadsEchartsFromTheDemoServer() {
        assertThat(Page.live())
                .contains("<script src=\"/echarts.min.js\"></script>")
                .doesNotContain("<!--ECHARTS-->");
    }

    @Test
    void terminalTableShowsEachPolicyAgainstObserved() {
        String text = TerminalTable.render(state().rows());

        assertThat(text).contains("observed", "bfio:h=20,lookahead=oracle", "-50.0%", "412.5");
    }
}
