package io.dpbalance.engine.trace;

import static io.dpbalance.engine.trace.TraceFiles.write;
import static io.dpbalance.engine.trace.TraceFiles.writeRaw;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dpbalance.engine.model.Request;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MooncakeReaderTest {

    @TempDir
    Path dir;

    private Workload read(Path file) {
        return WorkloadReader.read(file, WorkloadFormat.MOONCAKE, ReadOptions.defaults());
    }

    @Test
    void readsMillisecondTimestampsAndLengthsIgnoringOtherFields() {
        Path file = write(
                dir,
                "trace.jsonl",
                "{\"timestamp\": 27482, \"input_length\": 6955, \"output_length\": 52, \"hash_ids\": [46, 47, 48]}",
                "{\"hash_ids\": [[1], {\"a\": 2}], \"input_length\": 6472, \"output_length\": 26, \"timestamp\": 30535.5}");

        Workload workload = read(file);

        assertThat(workload.requests())
                .containsExactly(
                        new Request("mooncake-1", 0, 0.0, 6955, 52), new Request("mooncake-2", 1, 3.0535, 6472, 26));
        assertThat(workload.timed()).isTrue();
        assertThat(workload.format()).isEqualTo(WorkloadFormat.MOONCAKE);
    }

    @Test
    void skipsLongHashArrays() {
        String hashes = IntStream.range(0, 100_000).mapToObj(Integer::toString).collect(Collectors.joining(","));
        Path file = write(
                dir,
                "trace.jsonl",
                "{\"timestamp\": 0, \"input_length\": 1, \"output_length\": 2, \"hash_ids\": [" + hashes + "]}");

        assertThat(read(file).requests()).containsExactly(new Request("mooncake-1", 0, 0.0, 1, 2));
    }

    @Test
    void ignoresBlankLinesAndMeasuresFromTheEarliestTimestamp() {
        Path file = writeRaw(
                dir,
                "trace.jsonl",
                "\uFEFF{\"timestamp\": 2000, \"input_length\": 1, \"output_length\": 1}\r\n"
                        + "\r\n"
                        + "{\"timestamp\": 500, \"input_length\": 2, \"output_length\": 2}\r\n");

        assertThat(read(file).requests())
                .containsExactly(new Request("mooncake-1", 0, 1.5, 1, 1), new Request("mooncake-3", 1, 0.0, 2, 2));
    }

    @Test
    void rejectsBadJsonWithItsLine() {
        Path file = write(
                dir,
                "trace.jsonl",
                "{\"timestamp\": 0, \"input_length\": 1, \"output_length\": 1}",
                "{\"timestamp\": 1, \"input_length\": 1, ");

        assertThatThrownBy(() -> read(file))
                .isInstanceOf(WorkloadException.class)
                .hasMessageStartingWith("trace.jsonl:2: invalid JSON: ");
    }

    @Test
    void rejectsAMissingField() {
        Path file = write(dir, "trace.jsonl", "{\"timestamp\": 0, \"input_length\": 1}");

        assertThatThrownBy(() -> read(file)).hasMessage("trace.jsonl:1: missing field 'output_length'");
    }

    @Test
    void rejectsLengthsThatAreNotPositiveIntegers() {
        Path zero = write(dir, "zero.jsonl", "{\"timestamp\": 0, \"input_length\": 0, \"output_length\": 1}");
        Path fraction = write(dir, "fraction.jsonl", "{\"timestamp\": 0, \"input_length\": 3, \"output_length\": 1.5}");
        Path text = write(dir, "text.jsonl", "{\"timestamp\": 0, \"input_length\": \"3\", \"output_length\": 1}");

        assertThatThrownBy(() -> read(zero)).hasMessage("zero.jsonl:1: input_length: expected an integer > 0, got '0'");
        assertThatThrownBy(() -> read(fraction))
                .hasMessage("fraction.jsonl:1: output_length: expected an integer > 0, got '1.5'");
        assertThatThrownBy(() -> read(text)).hasMessage("text.jsonl:1: input_length: expected an integer > 0, got '3'");
    }

    @Test
    void rejectsABadTimestamp() {
        Path file = write(dir, "trace.jsonl", "{\"timestamp\": -1, \"input_length\": 1, \"output_length\": 1}");

        assertThatThrownBy(() -> read(file))
                .hasMessage("trace.jsonl:1: timestamp: expected a number of milliseconds >= 0, got '-1'");
    }

    @Test
    void rejectsTwoObjectsOnOneLine() {
        Path file = write(
                dir, "trace.jsonl", "{\"timestamp\": 0, \"input_length\": 1, \"output_length\": 1} {\"timestamp\": 0}");

        assertThatThrownBy(() -> read(file)).hasMessageStartingWith("trace.jsonl:1: expected one JSON object per line");
    }

    @Test
    void rejectsALineThatIsNoObject() {
        Path file = write(dir, "trace.jsonl", "[1, 2]");

        assertThatThrownBy(() -> read(file))
                .hasMessage("trace.jsonl:1: expected a JSON object with input_length and output_length, got '['");
    }

    @Test
    void skipsInvalidLinesCountingThemWhenAsked() {
        Path file = write(
                dir,
                "trace.jsonl",
                "{\"timestamp\": 0, \"input_length\": 1, \"output_length\": 1}",
                "{\"timestamp\": 1, \"input_length\": 1, ",
                "{\"timestamp\": 2, \"input_length\": 1}",
                "{\"timestamp\": 3, \"input_length\": 1, \"output_length\": 0}",
                "{\"timestamp\": 4, \"input_length\": 4, \"output_length\": 4}");

        Workload workload = WorkloadReader.read(
                file, WorkloadFormat.MOONCAKE, ReadOptions.defaults().withSkipInvalid(true));

        assertThat(workload.requests()).extracting(Request::id).containsExactly("mooncake-1", "mooncake-5");
        assertThat(workload.skipReasons())
                .containsExactly(
                        Map.entry("invalid JSON", 1),
                        Map.entry("missing field 'output_length'", 1),
                        Map.entry("output_length: expected an integer > 0", 1));
    }

    @Test
    void rejectsAFileOfBlankLines() {
        Path file = write(dir, "trace.jsonl", "", " ");

        assertThatThrownBy(() -> read(file)).hasMessage("trace.jsonl: no requests");
    }
}
