package io.dpbalance.datagen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.dpbalance.datagen.generate.GenerationResult;
import io.dpbalance.schemas.RequestArrival;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code datagen replay} and {@code datagen synth} into files. */
class ArrivalCommandsTest {

    /** Three requests, the third out of time order. */
    static Path azureTrace(Path dir) throws IOException {
        return Files.writeString(dir.resolve("trace.csv"), """
                TIMESTAMP,ContextTokens,GeneratedTokens
                2023-11-16 18:15:46.0000000,374,44
                2023-11-16 18:15:47.5000000,396,109
                2023-11-16 18:15:46.5000000,100,10
                """);
    }

    @Test
    void replayWritesTheTraceInArrivalOrderFromTheStartTimeForEveryCluster(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("out");
        CommandRun run = CommandRun.of(
                "datagen",
                "replay",
                "--workload",
                azureTrace(dir).toString(),
                "--time-scale",
                "2",
                "--start-time",
                "2026-03-01T00:00:00Z",
                "--clusters",
                "2",
                "--out",
                out.toString());
        assertThat(run.exit()).as(run.err()).isZero();

        List<RequestArrival> records = OutputFiles.readAvro(out.resolve("dp.requests.avro"), RequestArrival.class);
        Instant start = Instant.parse("2026-03-01T00:00:00Z");
        assertThat(records)
                .extracting(
                        RequestArrival::getClusterId,
                        RequestArrival::getRequestId,
                        RequestArrival::getArrivalTime,
                        RequestArrival::getPromptTokens,
                        RequestArrival::getOutputTokens)
                .containsExactly(
                        tuple("cluster-0", "azure-2", start, 374L, 44L),
                        tuple("cluster-1", "azure-2", start, 374L, 44L),
                        tuple("cluster-0", "azure-4", start.plusMillis(1000), 100L, 10L),
                        tuple("cluster-1", "azure-4", start.plusMillis(1000), 100L, 10L),
                        tuple("cluster-0", "azure-3", start.plusMillis(3000), 396L, 109L),
                        tuple("cluster-1", "azure-3", start.plusMillis(3000), 396L, 109L));
        assertThat(records).allSatisfy(r -> assertThat(r.getRank()).isNull());
        assertThat(OutputFiles.jsonLines(out.resolve("dp.requests.jsonl")).get(2))
                .isEqualTo("{\"cluster_id\":\"cluster-0\",\"request_id\":\"azure-4\",\"arrival_time\":"
                        + start.plusMillis(1000).toEpochMilli()
                        + ",\"prompt_tokens\":100,\"output_tokens\":10,\"rank\":null,\"model\":null}");

        GenerationResult result = (GenerationResult) run.result();
        assertThat(result.records("dp.requests")).isEqualTo(6);
        assertThat(run.out()).contains("dp.requests", "records/s").containsPattern("dp\\.requests\\s+6\\s");
    }

    @Test
    void replayStopsAtAMalformedRowNamingFileAndLineUnlessAskedToSkipIt(@TempDir Path dir) throws IOException {
        Path trace = Files.writeString(dir.resolve("bad.csv"), """
                TIMESTAMP,ContextTokens,GeneratedTokens
                2023-11-16 18:15:46.0000000,374,44
                2023-11-16 18:15:47.0000000,396,abc
                """);
        CommandRun failed = CommandRun.of(
                "datagen",
                "replay",
                "--workload",
                trace.toString(),
                "--out",
                dir.resolve("out").toString());
        assertThat(failed.exit()).isEqualTo(2);
        assertThat(failed.err()).contains("bad.csv:3", "GeneratedTokens", "'abc'");

        CommandRun skipped = CommandRun.of(
                "datagen",
                "replay",
                "--workload",
                trace.toString(),
                "--skip-invalid",
                "--out",
                dir.resolve("out").toString());
        assertThat(skipped.exit()).as(skipped.err()).isZero();
        assertThat(skipped.err()).contains("skipped 1 rows of bad.csv");
        assertThat(((GenerationResult) skipped.result()).records("dp.requests")).isEqualTo(1);
    }

    @Test
    void synthWritesTheEnginesSyntheticRequests(@TempDir Path dir) {
        Path out = dir.resolve("out");
        CommandRun run = CommandRun.of(
                "datagen",
                "synth",
                "--synthetic",
                "n=50;arrival=poisson:rate=10;prompt=constant:value=100;output=constant:value=7;seed=1",
                "--topic-prefix",
                "t1.",
                "--out",
                out.toString());
        assertThat(run.exit()).as(run.err()).isZero();

        List<RequestArrival> records = OutputFiles.readAvro(out.resolve("t1.dp.requests.avro"), RequestArrival.class);
        assertThat(records).hasSize(50).allSatisfy(r -> {
            assertThat(r.getPromptTokens()).isEqualTo(100);
            assertThat(r.getOutputTokens()).isEqualTo(7);
        });
        assertThat(records.get(0).getRequestId()).isEqualTo("synthetic-0");
        for (int i = 1; i < records.size(); i++) {
            assertThat(records.get(i).getArrivalTime())
                    .isAfterOrEqualTo(records.get(i - 1).getArrivalTime());
        }
        assertThat(records.get(0).getArrivalTime()).isAfterOrEqualTo(GenerationOptions.FIXED_START);
    }
}
