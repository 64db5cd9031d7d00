package io.dpbalance.engine.trace;

import static io.dpbalance.engine.trace.TraceFiles.write;
import static io.dpbalance.engine.trace.TraceFiles.writeRaw;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dpbalance.engine.model.Request;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AzureTraceReaderTest {

    private static final String HEADER = "TIMESTAMP,ContextTokens,GeneratedTokens";

    @TempDir
    Path dir;

    private Workload read(Path file) {
        return WorkloadReader.read(file, WorkloadFormat.AZURE, ReadOptions.defaults());
    }

    @Test
    void readsRequestsInFileOrderWithArrivalsFromTheEarliestTimestamp() {
        Path file = write(
                dir,
                "azure.csv",
                HEADER,
                "2023-11-16 18:15:47.0000000,100,10",
                "2023-11-16 18:15:46.5000000,200,20",
                "2023-11-16 18:15:48.2500000,300,30");

        Workload workload = read(file);

        assertThat(workload.requests())
                .containsExactly(
                        new Request("azure-2", 0, 0.5, 100, 10),
                        new Request("azure-3", 1, 0.0, 200, 20),
                        new Request("azure-4", 2, 1.75, 300, 30));
        assertThat(workload.timed()).isTrue();
        assertThat(workload.format()).isEqualTo(WorkloadFormat.AZURE);
        assertThat(workload.source()).isEqualTo("azure.csv");
        assertThat(workload.skipped()).isZero();
    }

    @Test
    void keepsEverySubMicrosecondDigitOfTheTimestamps() {
        Path file = write(
                dir,
                "azure.csv",
                HEADER,
                "2023-11-16 18:15:46.6805900,1,1",
                "2023-11-16 18:15:46.6805901,1,1",
                "2023-11-16 18:15:46.680590001,1,1");

        assertThat(read(file).requests()).extracting(Request::arrival).containsExactly(0.0, 1e-7, 1e-9);
    }

    @Test
    void acceptsTheTimestampShapesOfThe2024Trace() {
        Path file = write(
                dir,
                "azure.csv",
                HEADER,
                "2024-05-10 00:00:00,1,1",
                "2024-05-10 00:00:00.5,1,1",
                "2024-05-10T00:00:01.009930+00:00,1,1",
                "2024-05-10 02:00:02Z,1,1",
                "2024-05-10 03:00:03.25+02:00,1,1");

        assertThat(read(file).requests())
                .extracting(Request::arrival)
                .containsExactly(0.0, 0.5, 1.00993, 7202.0, 3603.25);
    }

    @Test
    void findsColumnsByNameInAnyOrderAmongOthers() {
        Path file = write(
                dir,
                "azure.csv",
                "GeneratedTokens,Deployment,ContextTokens,TIMESTAMP",
                "44,east,374,2023-11-16 18:15:46.6805900");

        assertThat(read(file).requests()).containsExactly(new Request("azure-2", 0, 0.0, 374, 44));
    }

    @Test
    void readsCrlfLineEndingsAndAByteOrderMark() {
        Path file = writeRaw(
                dir,
                "azure.csv",
                "\uFEFF" + HEADER + "\r\n" + "2023-11-16 18:15:46.0,374,44\r\n" + "2023-11-16 18:15:47.0,396,109\r\n");

        assertThat(read(file).requests()).extracting(Request::promptTokens).containsExactly(374, 396);
    }

    @Test
    void ignoresBlankLinesButNumbersRowsByFileLine() {
        Path file = write(dir, "azure.csv", HEADER, "", "2023-11-16 18:15:46.0,374,44", "  ", "");

        assertThat(read(file).requests()).extracting(Request::id).containsExactly("azure-3");
    }

    @Test
    void rejectsAMissingColumnNamingItAndTheHeader() {
        Path file = write(dir, "azure.csv", "TIMESTAMP,ContextTokens", "2023-11-16 18:15:46.0,374");

        assertThatThrownBy(() -> read(file))
                .isInstanceOf(WorkloadException.class)
                .hasMessage("azure.csv:1: missing column 'GeneratedTokens'; the header has [TIMESTAMP, ContextTokens]");
    }

    @Test
    void rejectsAnUnparseableTokenCountWithItsLine() {
        Path file = write(dir, "azure.csv", HEADER, "2023-11-16 18:15:46.0,374,44", "2023-11-16 18:15:47.0,396,abc");

        assertThatThrownBy(() -> read(file))
                .isInstanceOf(WorkloadException.class)
                .hasMessage("azure.csv:3: GeneratedTokens: expected an integer > 0, got 'abc'");
    }

    @Test
    void rejectsZeroAndNegativeTokenCounts() {
        Path zeroOutput = write(dir, "zero.csv", HEADER, "2023-11-16 18:15:46.0,374,0");
        Path negativePrompt = write(dir, "negative.csv", HEADER, "2023-11-16 18:15:46.0,-3,10");

        assertThatThrownBy(() -> read(zeroOutput))
                .hasMessage("zero.csv:2: GeneratedTokens: expected an integer > 0, got '0'");
        assertThatThrownBy(() -> read(negativePrompt))
                .hasMessage("negative.csv:2: ContextTokens: expected an integer > 0, got '-3'");
    }

    @Test
    void rejectsABadTimestamp() {
        Path file = write(dir, "azure.csv", HEADER, "2023-11-16 18:15:46.0,374,44", "2023-13-16 18:15:46.0,1,1");

        assertThatThrownBy(() -> read(file))
                .hasMessage("azure.csv:3: TIMESTAMP: expected a date-time like 2023-11-16 18:15:46.6805900,"
                        + " got '2023-13-16 18:15:46.0'");
    }

    @Test
    void rejectsARowWithTooFewColumns() {
        Path file = write(dir, "azure.csv", HEADER, "2023-11-16 18:15:46.0,374");

        assertThatThrownBy(() -> read(file)).hasMessage("azure.csv:2: expected 3 columns as in the header, got 2");
    }

    @Test
    void skipsInvalidRowsCountingThemByReasonWhenAsked() {
        Path file = write(
                dir,
                "azure.csv",
                HEADER,
                "2023-11-16 18:15:46.0,374,44",
                "2023-11-16 18:15:47.0,396,abc",
                "2023-11-16 18:15:48.0,396,0",
                "yesterday,1,1",
                "2023-11-16 18:15:49.0,0,5",
                "2023-11-16 18:15:50.0,10,5");

        Workload workload = WorkloadReader.read(
                file, WorkloadFormat.AZURE, ReadOptions.defaults().withSkipInvalid(true));

        assertThat(workload.requests()).extracting(Request::id).containsExactly("azure-2", "azure-7");
        assertThat(workload.requests()).extracting(Request::sequence).containsExactly(0L, 1L);
        assertThat(workload.skipped()).isEqualTo(4);
        assertThat(workload.skipReasons())
                .containsExactly(
                        Map.entry("GeneratedTokens: expected an integer > 0", 2),
                        Map.entry("TIMESTAMP: expected a date-time like 2023-11-16 18:15:46.6805900", 1),
                        Map.entry("ContextTokens: expected an integer > 0", 1));
    }

    @Test
    void rejectsAFileWithOnlyAHeader() {
        Path file = write(dir, "azure.csv", HEADER);

        assertThatThrownBy(() -> read(file))
                .isInstanceOf(WorkloadException.class)
                .hasMessage("azure.csv: no requests");
    }

    @Test
    void rejectsAnEmptyFile() {
        Path file = writeRaw(dir, "azure.csv", "");

        assertThatThrownBy(() -> read(file))
                .hasMessage(
                        "azure.csv: empty file, expected a CSV header with TIMESTAMP, ContextTokens, GeneratedTokens");
    }

    @Test
    void saysHowManyRowsWereSkippedWhenNoneIsLeft() {
        Path file = write(dir, "azure.csv", HEADER, "2023-11-16 18:15:46.0,374,0");

        assertThatThrownBy(() -> WorkloadReader.read(
                        file, WorkloadFormat.AZURE, ReadOptions.defaults().withSkipInvalid(true)))
                .hasMessage(
                        "azure.csv: no requests; skipped rows by reason: {GeneratedTokens: expected an integer > 0=1}");
    }

    @Test
    void scalesTimeAroundTheEarliestTimestamp() {
        Path file = write(
                dir,
                "azure.csv",
                HEADER,
                "2023-11-16 18:15:46.0,1,1",
                "2023-11-16 18:15:47.0,1,1",
                "2023-11-16 18:15:50.0,1,1");

        Workload stretched = WorkloadReader.read(
                file, WorkloadFormat.AZURE, ReadOptions.defaults().withTimeScale(2));
        Workload compressed = WorkloadReader.read(
                file, WorkloadFormat.AZURE, ReadOptions.defaults().withTimeScale(0.5));

        assertThat(stretched.requests()).extracting(Request::arrival).containsExactly(0.0, 2.0, 8.0);
        assertThat(compressed.requests()).extracting(Request::arrival).containsExactly(0.0, 0.5, 2.0);
    }

    @Test
    void stopsAtTheLimitAndMeasuresTimeFromTheRequestsKept() {
        Path file = write(
                dir,
                "azure.csv",
                HEADER,
                "2023-11-16 18:15:47.0,1,1",
                "2023-11-16 18:15:48.0,2,2",
                "2023-11-16 18:15:46.0,3,3",
                "this row is never read");

        Workload workload = WorkloadReader.read(
                file, WorkloadFormat.AZURE, ReadOptions.defaults().withLimit(2));

        assertThat(workload.requests()).extracting(Request::promptTokens).containsExactly(1, 2);
        assertThat(workload.requests()).extracting(Request::arrival).containsExactly(0.0, 1.0);
    }

    @Test
    void namesAMissingFile() {
        Path missing = dir.resolve("absent.csv");

        assertThatThrownBy(() -> read(missing))
                .isInstanceOf(WorkloadException.class)
                .hasMessage(missing + ": no such file");
    }
}
