package io.dpbalance.engine.trace;

import static io.dpbalance.engine.trace.TraceFiles.write;
import static io.dpbalance.engine.trace.TraceFiles.writeRaw;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkloadFormatDetectionTest {

    private static final String MOONCAKE_LINE = "{\"timestamp\": 0, \"input_length\": 5, \"output_length\": 6}";

    @TempDir
    Path dir;

    @Test
    void detectsAzureByItsCsvHeader() {
        Path file = writeRaw(
                dir,
                "trace.csv",
                "\uFEFFContextTokens,TIMESTAMP,GeneratedTokens\r\n" + "3,2023-11-16 18:15:46.0,4\r\n");

        assertThat(WorkloadReader.detect(file)).isEqualTo(WorkloadFormat.AZURE);
        assertThat(WorkloadReader.read(file, WorkloadFormat.AUTO, ReadOptions.defaults())
                        .format())
                .isEqualTo(WorkloadFormat.AZURE);
    }

    @Test
    void detectsBurstGptByItsCsvHeader() {
        Path file = write(
                dir,
                "BurstGPT_1.csv",
                "Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type",
                "5,ChatGPT,472,18,490,Conversation log");

        assertThat(WorkloadReader.detect(file)).isEqualTo(WorkloadFormat.BURSTGPT);
    }

    @Test
    void detectsMooncakeByTheJsonlExtension() {
        Path file = write(dir, "trace.jsonl", MOONCAKE_LINE);

        assertThat(WorkloadReader.detect(file)).isEqualTo(WorkloadFormat.MOONCAKE);
    }

    @Test
    void detectsMooncakeByItsFirstLineWhateverTheExtension() {
        Path json = write(dir, "trace.json", MOONCAKE_LINE, MOONCAKE_LINE);
        Path text = write(dir, "trace.txt", "", MOONCAKE_LINE);
        Path bare = write(dir, "trace", MOONCAKE_LINE);

        assertThat(WorkloadReader.detect(json)).isEqualTo(WorkloadFormat.MOONCAKE);
        assertThat(WorkloadReader.detect(text)).isEqualTo(WorkloadFormat.MOONCAKE);
        assertThat(WorkloadReader.detect(bare)).isEqualTo(WorkloadFormat.MOONCAKE);
    }

    @Test
    void detectsLengthsByADataArrayOrABareArray() {
        Path wrapped = write(
                dir,
                "wrapped.json",
                "{\"meta\": {\"timestamp\": 1, \"input_length\": 2},",
                " \"data\": [{\"input_length\": 1, \"output_length\": 1}]}");
        Path bare = write(dir, "bare.json", "[{\"input_length\": 1, \"output_length\": 1}]");

        assertThat(WorkloadReader.detect(wrapped)).isEqualTo(WorkloadFormat.LENGTHS);
        assertThat(WorkloadReader.detect(bare)).isEqualTo(WorkloadFormat.LENGTHS);
        assertThat(WorkloadReader.read(bare, WorkloadFormat.AUTO, ReadOptions.defaults())
                        .timed())
                .isFalse();
    }

    @Test
    void failsOnACsvOfAnotherKindNamingTheFileAndWhatWasLookedFor() {
        Path file = write(dir, "other.csv", "time,prompt,output", "1,2,3");

        assertThatThrownBy(() -> WorkloadReader.detect(file))
                .isInstanceOf(WorkloadException.class)
                .hasMessageStartingWith("cannot detect the workload format of " + file + ": expected a .csv header with"
                        + " TIMESTAMP, ContextTokens, GeneratedTokens (azure) or Timestamp, Request tokens,"
                        + " Response tokens (burstgpt)")
                .hasMessageContaining("but the first line holds [time, prompt, output]");
    }

    @Test
    void failsOnAJsonObjectOfAnotherKind() {
        Path file = write(dir, "other.json", "{\"prompt\": 1, \"output\": 2}");

        assertThatThrownBy(() -> WorkloadReader.detect(file))
                .isInstanceOf(WorkloadException.class)
                .hasMessageContaining("other.json")
                .hasMessageContaining("but its first object has the fields [prompt, output]");
    }

    @Test
    void failsOnAnEmptyFile() {
        Path file = writeRaw(dir, "empty.csv", "");

        assertThatThrownBy(() -> WorkloadReader.detect(file)).hasMessageContaining("but the file is empty");
    }

    @Test
    void parsesFormatNamesCaseInsensitively() {
        assertThat(WorkloadFormat.parse("Azure")).isEqualTo(WorkloadFormat.AZURE);
        assertThat(WorkloadFormat.parse(" BURSTGPT ")).isEqualTo(WorkloadFormat.BURSTGPT);
        assertThat(WorkloadFormat.parse("auto")).isEqualTo(WorkloadFormat.AUTO);
    }

    @Test
    void rejectsAnUnknownFormatNameListingTheChoices() {
        assertThatThrownBy(() -> WorkloadFormat.parse("csv"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown workload format 'csv'; expected one of auto|azure|mooncake|burstgpt|lengths");
        assertThatThrownBy(() -> WorkloadFormat.parse("synthetic"))
                .hasMessageContaining("expected one of auto|azure|mooncake|burstgpt|lengths");
    }
}
