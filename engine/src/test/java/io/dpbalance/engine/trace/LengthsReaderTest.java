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

class LengthsReaderTest {

    @TempDir
    Path dir;

    private Workload read(Path file) {
        return WorkloadReader.read(file, WorkloadFormat.LENGTHS, ReadOptions.defaults());
    }

    @Test
    void readsTheDataArrayWithoutTimes() {
        Path file = write(
                dir,
                "lengths.json",
                "{\"name\": \"sample\", \"data\": [",
                "  {\"input_length\": 10, \"output_length\": 3},",
                "  {\"output_length\": 5, \"input_length\": 20, \"note\": {\"x\": [1]}}",
                "], \"more\": [1, 2]}");

        Workload workload = read(file);

        assertThat(workload.requests())
                .containsExactly(new Request("lengths-0", 0, 0.0, 10, 3), new Request("lengths-1", 1, 0.0, 20, 5));
        assertThat(workload.timed()).isFalse();
        assertThat(workload.format()).isEqualTo(WorkloadFormat.LENGTHS);
    }

    @Test
    void readsABareArray() {
        Path file = writeRaw(
                dir,
                "lengths.json",
                "\uFEFF[{\"input_length\": 1, \"output_length\": 2}, {\"input_length\": 3, \"output_length\": 4}]");

        assertThat(read(file).requests()).extracting(Request::outputTokens).containsExactly(2, 4);
    }

    @Test
    void ignoresTimestampsSinceTheFormatHasNone() {
        Path file = write(dir, "lengths.json", "[{\"timestamp\": 50, \"input_length\": 1, \"output_length\": 2}]");

        assertThat(read(file).requests().get(0).arrival()).isEqualTo(0.0);
    }

    @Test
    void rejectsAnElementWithoutALengthNamingItsLine() {
        Path file = write(
                dir,
                "lengths.json",
                "{\"data\": [",
                "  {\"input_length\": 10, \"output_length\": 3},",
                "  {\"input_length\": 20}",
                "]}");

        assertThatThrownBy(() -> read(file))
                .isInstanceOf(WorkloadException.class)
                .hasMessage("lengths.json:3: missing field 'output_length'");
    }

    @Test
    void rejectsZeroLengths() {
        Path file = write(dir, "lengths.json", "[{\"input_length\": 10, \"output_length\": 0}]");

        assertThatThrownBy(() -> read(file))
                .hasMessage("lengths.json:1: output_length: expected an integer > 0, got '0'");
    }

    @Test
    void rejectsBadJsonWithItsLine() {
        Path file = write(
                dir,
                "lengths.json",
                "{\"data\": [",
                "  {\"input_length\": 10, \"output_length\": 3}",
                "  {\"input_length\": 20, \"output_length\": 3}",
                "]}");

        assertThatThrownBy(() -> read(file))
                .isInstanceOf(WorkloadException.class)
                .hasMessageStartingWith("lengths.json:3: invalid JSON: ");
    }

    @Test
    void rejectsAnObjectWithoutData() {
        Path file = write(dir, "lengths.json", "{\"requests\": []}");

        assertThatThrownBy(() -> read(file))
                .hasMessage(
                        "lengths.json: expected {\"data\": [...]} or a JSON array; the object has no \"data\" field");
    }

    @Test
    void rejectsDataThatIsNoArray() {
        Path file = write(dir, "lengths.json", "{\"data\": 5}");

        assertThatThrownBy(() -> read(file)).hasMessage("lengths.json:1: \"data\": expected an array, got '5'");
    }

    @Test
    void rejectsAnEmptyFile() {
        Path file = writeRaw(dir, "lengths.json", "  \n");

        assertThatThrownBy(() -> read(file))
                .hasMessage("lengths.json: empty file, expected {\"data\": [...]} or a JSON array");
    }

    @Test
    void rejectsAnEmptyList() {
        Path file = write(dir, "lengths.json", "{\"data\": []}");

        assertThatThrownBy(() -> read(file)).hasMessage("lengths.json: no requests");
    }

    @Test
    void skipsInvalidElementsAndReadsOnWhenAsked() {
        Path file = write(
                dir,
                "lengths.json",
                "[{\"input_length\": 1, \"output_length\": 1},",
                " {\"input_length\": [1, 2], \"output_length\": {\"deep\": [3]}},",
                " 7,",
                " {\"input_length\": 4, \"output_length\": 4}]");

        Workload workload = WorkloadReader.read(
                file, WorkloadFormat.LENGTHS, ReadOptions.defaults().withSkipInvalid(true));

        assertThat(workload.requests()).extracting(Request::id).containsExactly("lengths-0", "lengths-3");
        assertThat(workload.skipReasons())
                .containsExactly(
                        Map.entry("input_length: expected an integer > 0", 1),
                        Map.entry("expected a JSON object with input_length and output_length", 1));
    }

    @Test
    void stopsReadingAtTheLimit() {
        Path file = write(
                dir,
                "lengths.json",
                "[{\"input_length\": 1, \"output_length\": 1},",
                " {\"input_length\": 2, \"output_length\": 2},",
                " this part is never read");

        Workload workload = WorkloadReader.read(
                file, WorkloadFormat.LENGTHS, ReadOptions.defaults().withLimit(2));

        assertThat(workload.requests()).hasSize(2);
    }

    @Test
    void rejectsContentAfterTheValue() {
        Path file = write(dir, "lengths.json", "[{\"input_length\": 1, \"output_length\": 1}]", "[]");

        assertThatThrownBy(() -> read(file))
                .hasMessage("lengths.json:2: expected the end of the file after the JSON value");
    }
}
