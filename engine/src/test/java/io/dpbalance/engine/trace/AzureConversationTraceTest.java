package io.dpbalance.engine.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.dpbalance.engine.model.Request;
import io.dpbalance.engine.testing.ProjectData;
import java.nio.file.Path;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real Azure 2023 conversation trace shipped in {@code data/azure-llm-2023}; figures from its README and a CSV reader. */
class AzureConversationTraceTest {

    private static final int ROWS = 19_366;

    private static Workload workload;

    @BeforeAll
    static void readTrace() {
        Path trace = ProjectData.azureConversationTrace();
        workload = WorkloadReader.read(trace, WorkloadFormat.AUTO, ReadOptions.defaults());
    }

    @Test
    void isDetectedAsAzureAndReadWholeWithoutSkips() {
        assertThat(workload.format()).isEqualTo(WorkloadFormat.AZURE);
        assertThat(workload.source()).isEqualTo("AzureLLMInferenceTrace_conv.csv");
        assertThat(workload.timed()).isTrue();
        assertThat(workload.requests()).hasSize(ROWS);
        assertThat(workload.skipped()).isZero();
    }

    @Test
    void startsWithTheFirstRowAtTimeZero() {
        Request first = workload.requests().get(0);

        assertThat(first).isEqualTo(new Request("azure-2", 0, 0.0, 374, 44));
    }

    @Test
    void measuresArrivalsToTheHundredNanosecond() {
        // 18:15:50.9951690 - 18:15:46.6805900
        assertThat(workload.requests().get(1).arrival()).isCloseTo(4.3145790, within(1e-9));
        // the last row, 19:14:08.4025270 - 18:15:46.6805900
        assertThat(workload.requests().get(ROWS - 1).arrival()).isCloseTo(3501.7219370, within(1e-9));
    }

    @Test
    void keepsFileOrderWhichIsAlsoArrivalOrder() {
        assertThat(workload.requests())
                .extracting(Request::sequence)
                .isEqualTo(LongStream.range(0, ROWS).boxed().toList());
        assertThat(workload.requests().get(ROWS - 1).id()).isEqualTo("azure-" + (ROWS + 1));
        assertThat(workload.sortedByArrival()).isEqualTo(workload.requests());
    }

    @Test
    void holdsEveryTokenOfTheTrace() {
        assertThat(workload.requests().stream().mapToLong(Request::promptTokens).sum())
                .isEqualTo(22_361_870L);
        assertThat(workload.requests().stream().mapToLong(Request::outputTokens).sum())
                .isEqualTo(4_088_665L);
    }
}
