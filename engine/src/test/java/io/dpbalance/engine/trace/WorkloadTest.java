package io.dpbalance.engine.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dpbalance.engine.model.Request;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkloadTest {

    @Test
    void sortsByArrivalKeepingFileOrderAmongTies() {
        Request late = new Request("a", 0, 2.0, 1, 1);
        Request tieFirst = new Request("b", 1, 1.0, 1, 1);
        Request early = new Request("c", 2, 0.0, 1, 1);
        Request tieSecond = new Request("d", 3, 1.0, 1, 1);
        Workload workload =
                new Workload("w", WorkloadFormat.AZURE, true, List.of(late, tieFirst, early, tieSecond), Map.of());

        assertThat(workload.sortedByArrival()).containsExactly(early, tieFirst, tieSecond, late);
        assertThat(workload.requests()).containsExactly(late, tieFirst, early, tieSecond);
    }

    @Test
    void addsUpSkipsOverReasonsInTheirOrder() {
        Map<String, Integer> reasons = new LinkedHashMap<>();
        reasons.put("z first", 2);
        reasons.put("a second", 3);
        Workload workload =
                new Workload("w", WorkloadFormat.BURSTGPT, true, List.of(new Request("a", 0, 0, 1, 1)), reasons);

        assertThat(workload.skipped()).isEqualTo(5);
        assertThat(workload.skipReasons().keySet()).containsExactly("z first", "a second");
    }

    @Test
    void refusesAutoAsTheFormatOfAWorkload() {
        assertThatThrownBy(() -> new Workload("w", WorkloadFormat.AUTO, true, List.of(), Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readOptionsRefuseANonPositiveTimeScaleOrLimit() {
        assertThatThrownBy(() -> ReadOptions.defaults().withTimeScale(0))
                .hasMessage("time scale must be a finite number > 0, got 0.0");
        assertThatThrownBy(() -> ReadOptions.defaults().withTimeScale(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ReadOptions.defaults().withLimit(0)).hasMessage("request limit must be >= 1, got 0");
    }
}
