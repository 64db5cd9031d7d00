package io.dpbalance.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dpbalance.schemas.Assignment;
import io.dpbalance.schemas.RankStep;
import io.dpbalance.schemas.RecordJson;
import io.dpbalance.schemas.StepMetrics;
import io.dpbalance.schemas.WindowMetrics;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportDataTest {

    @TempDir
    Path dir;

    @Test
    void readsEveryKindOfInputFileByItsContent() throws IOException {
        ReportData data = ReportData.fromFiles(Fixtures.writeAll(dir));

        assertThat(data.stepMetrics()).containsExactlyElementsOf(Fixtures.steps());
        assertThat(data.windowMetrics()).containsExactlyElementsOf(Fixtures.windows());
        assertThat(data.rankSteps()).containsExactlyElementsOf(Fixtures.rankSteps());
        assertThat(data.simRows())
                .extracting(SimRow::kind, SimRow::policy)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(SimRow.Kind.SIMULATE, "vllm"),
                        org.assertj.core.groups.Tuple.tuple(SimRow.Kind.SIMULATE, "bfio:h=0,lookahead=oracle"),
                        org.assertj.core.groups.Tuple.tuple(SimRow.Kind.SWEEP, "fcfs"),
                        org.assertj.core.groups.Tuple.tuple(SimRow.Kind.SWEEP, "bfio:h=0,lookahead=oracle"),
                        org.assertj.core.groups.Tuple.tuple(SimRow.Kind.SWEEP, "fcfs"),
                        org.assertj.core.groups.Tuple.tuple(SimRow.Kind.SWEEP, "bfio:h=0,lookahead=oracle"));
        assertThat(data.notes())
                .singleElement()
                .asString()
                .contains("dp.rank-steps.jsonl skipped: dp.rank-steps.avro beside it holds the same records");
        assertThat(data.clusters()).containsExactly("c1");
    }

    @Test
    void simulateRowCarriesItsNumbers() throws IOException {
        Path file = dir.resolve("sim.jsonl");
        Files.writeString(file, Fixtures.SIMULATE_ARRIVAL);

        SimRow vllm = ReportData.fromFiles(List.of(file)).simRows().get(0);

        assertThat(vllm.mode()).isEqualTo("arrival");
        assertThat(vllm.ranks()).isEqualTo(4);
        assertThat(vllm.batch()).isEqualTo(8);
        assertThat(vllm.avgIdleFraction()).isEqualTo(0.25);
        assertThat(vllm.energyPerToken()).isEqualTo(2.0); // 400 J / 200 tokens
        assertThat(vllm.queueWaitP99S()).isEqualTo(0.9);
        assertThat(vllm.e2eP95S()).isEqualTo(2.0);
        assertThat(vllm.hasLatencies()).isTrue();
        assertThat(vllm.imbalanceRatio()).isNaN();
        assertThat(vllm.source()).isEqualTo(file + ":1");
    }

    @Test
    void readsTheJobsRealFileOutput() throws URISyntaxException {
        Path outputs = Path.of(getClass().getResource("/job-output").toURI());

        ReportData data = ReportData.fromFiles(List.of(outputs));

        assertThat(data.stepMetrics()).hasSize(3);
        StepMetrics first = data.stepMetrics().get(0);
        assertThat(first.getClusterId()).isEqualTo("cluster-0");
        assertThat(first.getPolicy()).isEqualTo("observed");
        assertThat(first.getStepStart()).isEqualTo(Instant.ofEpochMilli(1767225600000L));
        assertThat(first.getImbalance()).isEqualTo(2625L);
        assertThat(first.getIdleFraction()).isEqualTo(0.875);
        assertThat(first.getTimeIdleFraction()).isEqualTo(0.011460176991150352);
        assertThat(first.getTokens()).isEqualTo(1L);
        assertThat(data.windowMetrics()).extracting(WindowMetrics::getSteps).containsExactly(2840L, 3144L);
        assertThat(data.windowMetrics().get(1).getWindowEnd()).isEqualTo(Instant.ofEpochMilli(1767225620000L));
        assertThat(data.assignments()).extracting(Assignment::getRequestId).containsExactly("azure-2", "azure-3");
    }

    @Test
    void unknownFileIsNamedWithWhatWasExpected() throws IOException {
        Path csv = dir.resolve("trace.csv");
        Files.writeString(csv, "TIMESTAMP,ContextTokens,GeneratedTokens\n");
        Path json = dir.resolve("other.jsonl");
        Files.writeString(json, "{\"name\": \"x\", \"value\": 1}\n");

        assertThatThrownBy(() -> ReportData.fromFiles(List.of(csv)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(csv.toString())
                .hasMessageContaining("not a report input (its first line is not JSON)")
                .hasMessageContaining("simulate --json");
        assertThatThrownBy(() -> ReportData.fromFiles(List.of(json)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(
                        json + ": not a report input (its first line is a JSON object with fields name, value)");
    }

    @Test
    void badValueNamesFileLineAndField() throws IOException {
        Path file = dir.resolve("steps.jsonl");
        String good = RecordJson.toJson(Fixtures.steps().get(0));
        Files.writeString(
                file, good + "\n" + good.replace("\"idle_fraction\":0.1", "\"idle_fraction\":\"high\"") + "\n");

        assertThatThrownBy(() -> ReportData.fromFiles(List.of(file)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(file + ":2: StepMetrics.idle_fraction: expected a number, got \"high\"");
    }

    @Test
    void readsNaNAsTheJobsWriteItNullAndAsEarlierDatagenFilesWroteIt() throws IOException {
        WindowMetrics noEnergy = WindowMetrics.newBuilder(Fixtures.windows().get(0))
                .setTokensPerJoule(Double.NaN)
                .build();
        String written = RecordJson.toJson(noEnergy);
        Path file = dir.resolve("windows.jsonl");
        Files.writeString(
                file,
                written + "\n" + written.replace("\"tokens_per_joule\":null", "\"tokens_per_joule\":\"NaN\"") + "\n");

        List<WindowMetrics> windows = ReportData.fromFiles(List.of(file)).windowMetrics();

        assertThat(written).contains("\"tokens_per_joule\":null");
        assertThat(windows)
                .hasSize(2)
                .allSatisfy(w -> assertThat(w.getTokensPerJoule()).isNaN());
    }

    @Test
    void avroContainerOfAnotherRecordIsRejected() throws IOException {
        Path file = dir.resolve("x.avro");
        org.apache.avro.Schema schema = org.apache.avro.SchemaBuilder.record("Other")
                .namespace("x")
                .fields()
                .requiredInt("n")
                .endRecord();
        try (var writer = new org.apache.avro.file.DataFileWriter<org.apache.avro.generic.GenericRecord>(
                new org.apache.avro.generic.GenericDatumWriter<>(schema))) {
            writer.create(schema, file.toFile());
        }

        assertThatThrownBy(() -> ReportData.fromFiles(List.of(file)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file + ": an Avro container file of x.Other, which is not a dpbalance record");
    }

    @Test
    void missingPathIsAnError() {
        Path missing = dir.resolve("nope");
        assertThatThrownBy(() -> ReportData.fromFiles(List.of(missing)))
                .hasMessage(missing + ": no such file or directory");
    }

    @Test
    void recordsTheReportDoesNotDrawAreCountedInTheNotes() throws IOException {
        Path file = dir.resolve("dp.requests.avro");
        Fixtures.writeAvroContainer(
                file,
                io.dpbalance.schemas.RequestArrival.class,
                List.of(io.dpbalance.schemas.RequestArrival.newBuilder()
                        .setClusterId("c1")
                        .setRequestId("r1")
                        .setArrivalTime(Fixtures.T0)
                        .setPromptTokens(10)
                        .build()));

        ReportData data = ReportData.fromFiles(List.of(file));

        assertThat(data.isEmpty()).isTrue();
        assertThat(data.notes())
                .containsExactly("1 RequestArrival records were read but not used: no chart shows them");
    }

    @Test
    void plusConcatenates() {
        ReportData a = new ReportData(Fixtures.steps(), List.of(), List.of(), List.of(), List.of(), List.of("a"));
        ReportData b =
                new ReportData(List.of(), Fixtures.windows(), List.of(), Fixtures.rankSteps(), List.of(), List.of("b"));

        ReportData both = a.plus(b);

        assertThat(both.stepMetrics()).hasSize(5);
        assertThat(both.windowMetrics()).hasSize(4);
        assertThat(both.rankSteps()).extracting(RankStep::getKvTokens).contains(100L, 303L);
        assertThat(both.notes()).containsExactly("a", "b");
    }
}
