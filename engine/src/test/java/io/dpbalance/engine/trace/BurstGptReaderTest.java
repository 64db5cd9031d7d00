package io.dpbalance.engine.trace;

import static io.dpbalance.engine.trace.TraceFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dpbalance.engine.model.Request;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BurstGptReaderTest {

    private static final String HEADER = "Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type";
    private static final String FAILED = "failed request (0 response tokens)";

    @TempDir
    Path dir;

    private Workload read(Path file, ReadOptions options) {
        return WorkloadReader.read(file, WorkloadFormat.BURSTGPT, options);
    }

    @Test
    void readsSecondsTimestampsAndTokenColumns() {
        Path file = write(
                dir, "burst.csv", HEADER, "5,ChatGPT,472,18,490,Conversation log", "7.25,GPT-4,1087,230,1317,API log");

        Workload workload = read(file, ReadOptions.defaults());

        assertThat(workload.requests())
                .containsExactly(
                        new Request("burstgpt-2", 0, 0.0, 472, 18), new Request("burstgpt-3", 1, 2.25, 1087, 230));
        assertThat(workload.format()).isEqualTo(WorkloadFormat.BURSTGPT);
    }

    @Test
    void alwaysSkipsFailedRequestsAndCountsThem() {
        Path file = write(
                dir,
                "burst.csv",
                HEADER,
                "5,ChatGPT,472,18,490,Conversation log",
                "6,ChatGPT,1087,0,1087,Conversation log",
                "9,ChatGPT,20,0,20,Conversation log",
                "10,ChatGPT,30,3,33,Conversation log");

        Workload workload = read(file, ReadOptions.defaults());

        assertThat(workload.requests()).extracting(Request::id).containsExactly("burstgpt-2", "burstgpt-5");
        assertThat(workload.requests()).extracting(Request::sequence).containsExactly(0L, 1L);
        assertThat(workload.skipReasons()).containsExactly(Map.entry(FAILED, 2));
        assertThat(workload.skipped()).isEqualTo(2);
    }

    @Test
    void readsQuotedFieldsHoldingCommasAndQuotes() {
        Path file = write(
                dir,
                "burst.csv",
                HEADER,
                "5,\"ChatGPT, \"\"turbo\"\"\",472,18,490,\"Conversation log\"",
                "6,\"GPT-4\",\"12\",\"3\",15,API log");

        Workload workload = read(file, ReadOptions.defaults());

        assertThat(workload.requests()).extracting(Request::promptTokens).containsExactly(472, 12);
        assertThat(workload.requests()).extracting(Request::id).containsExactly("burstgpt-2", "burstgpt-3");
    }

    @Test
    void numbersARowAfterAQuotedLineBreakByTheLineItStartsOn() {
        Path file = write(
                dir,
                "burst.csv",
                HEADER,
                "5,\"Chat",
                "GPT\",472,18,490,Conversation log",
                "6,ChatGPT,x,18,490,Conversation log");

        assertThatThrownBy(() -> read(file, ReadOptions.defaults()))
                .hasMessage("burst.csv:4: Request tokens: expected an integer > 0, got 'x'");
    }

    @Test
    void rejectsAnUnterminatedQuote() {
        Path file = write(dir, "burst.csv", HEADER, "5,\"ChatGPT,472,18,490,Conversation log");

        assertThatThrownBy(() -> read(file, ReadOptions.defaults()))
                .isInstanceOf(WorkloadException.class)
                .hasMessage(
                        "burst.csv:2: unterminated quoted field: expected a closing '\"' before the end of the file");
    }

    @Test
    void rejectsNegativeResponseTokensWhichAreNoFailureMark() {
        Path file = write(dir, "burst.csv", HEADER, "5,ChatGPT,472,-1,471,Conversation log");

        assertThatThrownBy(() -> read(file, ReadOptions.defaults()))
                .hasMessage("burst.csv:2: Response tokens: expected an integer > 0, got '-1'");
    }

    @Test
    void rejectsABadTimestamp() {
        Path file = write(dir, "burst.csv", HEADER, "-5,ChatGPT,472,1,473,Conversation log");

        assertThatThrownBy(() -> read(file, ReadOptions.defaults()))
                .hasMessage("burst.csv:2: Timestamp: expected a number of seconds >= 0, got '-5'");
    }

    @Test
    void rejectsAMissingColumn() {
        Path file = write(dir, "burst.csv", "Timestamp,Model,Request tokens", "5,ChatGPT,472");

        assertThatThrownBy(() -> read(file, ReadOptions.defaults()))
                .hasMessage(
                        "burst.csv:1: missing column 'Response tokens'; the header has [Timestamp, Model, Request tokens]");
    }

    @Test
    void countsInvalidRowsApartFromFailedRequests() {
        Path file = write(
                dir,
                "burst.csv",
                HEADER,
                "5,ChatGPT,472,18,490,Conversation log",
                "6,ChatGPT,0,18,18,Conversation log",
                "7,ChatGPT,47,0,47,Conversation log",
                "soon,ChatGPT,47,2,49,Conversation log");

        Workload workload = read(file, ReadOptions.defaults().withSkipInvalid(true));

        assertThat(workload.requests()).hasSize(1);
        assertThat(workload.skipReasons())
                .containsExactly(
                        Map.entry("Request tokens: expected an integer > 0", 1),
                        Map.entry(FAILED, 1),
                        Map.entry("Timestamp: expected a number of seconds >= 0", 1));
    }

    @Test
    void limitCountsRequestsNotFailures() {
        Path file = write(
                dir,
                "burst.csv",
                HEADER,
                "5,ChatGPT,1,0,1,Conversation log",
                "6,ChatGPT,2,2,4,Conversation log",
                "7,ChatGPT,3,0,3,Conversation log",
                "8,ChatGPT,4,4,8,Conversation log",
                "9,ChatGPT,5,5,10,Conversation log");

        Workload workload = read(file, ReadOptions.defaults().withLimit(2));

        assertThat(workload.requests()).extracting(Request::promptTokens).containsExactly(2, 4);
        assertThat(workload.requests()).extracting(Request::arrival).containsExactly(0.0, 2.0);
        assertThat(workload.skipped()).isEqualTo(2);
    }
}
