package io.dpbalance.datagen;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ingest}'s command line: bad flags and files are usage errors naming them; files mode writes both topics. */
class IngestCommandTest {

    @TempDir
    Path dir;

    private Path file(String... lines) throws IOException {
        Path f = dir.resolve("in.log");
        Files.write(f, List.of(lines));
        return f;
    }

    @Test
    void badFlagsAndFilesAreUsageErrorsNamingThem() throws IOException {
        String log = file("x").toString();
        String out = dir.resolve("out").toString();
        CommandRun vllm = CommandRun.of("ingest", "vllm-log", log, "--out", out);
        assertThat(vllm.exit()).isEqualTo(2);
        assertThat(vllm.err()).contains("--kv-capacity");
        CommandRun zone = CommandRun.of("ingest", "sglang-log", log, "--time-zone", "Mars/Olympus", "--out", out);
        assertThat(zone.exit()).isEqualTo(2);
        assertThat(zone.err()).contains("--time-zone").contains("Mars/Olympus");
        CommandRun date = CommandRun.of("ingest", "sglang-log", log, "--date", "17.03.2026", "--out", out);
        assertThat(date.exit()).isEqualTo(2);
        assertThat(date.err()).contains("--date");
        CommandRun format = CommandRun.of("ingest", "nginx-log", log, "--out", out);
        assertThat(format.exit()).isEqualTo(2);
        assertThat(format.err()).contains("nginx-log").contains("sglang-log, trtllm-stats, vllm-log");
        CommandRun missing =
                CommandRun.of("ingest", "sglang-log", dir.resolve("nope.log").toString(), "--out", out);
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("nope.log");
        CommandRun interval = CommandRun.of("ingest", "sglang-log", log, "--log-interval", "0", "--out", out);
        assertThat(interval.exit()).isEqualTo(2);
        assertThat(interval.err()).contains("--log-interval");
    }

    @Test
    void trtllmStatsToFilesCountsEveryLineByReason() throws IOException {
        Path log = file(
                "{\"timestamp\":\"03-17-2026 17:35:07\",\"iter\":0,\"attentionDpRank\":0,\"iterLatencyMS\":20,"
                        + "\"inflightBatchingStats\":{\"numGenRequests\":3,\"numGenKvTokens\":300}}",
                "{\"timestamp\":\"03-17-2026 17:35:07\",\"iter\":0,\"attentionDpRank\":1,\"iterLatencyMS\":20,"
                        + "\"inflightBatchingStats\":{\"numGenRequests\":4,\"numGenKvTokens\":400}}",
                "{\"timestamp\":\"03-17-2026 17:35:07\",\"iter\":1,\"attentionDpRank\":0,\"infligh",
                "{\"timestamp\":\"03-17-2026 17:35:08\",\"iter\":4,\"attentionDpRank\":0,\"iterLatencyMS\":20,"
                        + "\"inflightBatchingStats\":{\"numGenRequests\":2,\"numGenKvTokens\":250}}",
                "[TensorRT-LLM][INFO] Iteration stats follow");
        Path out = dir.resolve("out");
        CommandRun run =
                CommandRun.of("ingest", "trtllm-stats", log.toString(), "--cluster", "trt", "--out", out.toString());
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("rank-steps written               3")
                .contains("skipped NOT_DECODE_LINE          1")
                .contains("rejected BAD_JSON                1");
        List<String> steps = OutputFiles.jsonLines(out.resolve("dp.rank-steps.jsonl"));
        assertThat(steps)
                .containsExactly(
                        "{\"cluster_id\":\"trt\",\"rank\":0,\"step\":1,\"step_start\":1773768907000,\"running\":3,"
                                + "\"kv_tokens\":300,\"compute_micros\":null,\"step_micros\":20000,\"sampled_steps\":null}",
                        "{\"cluster_id\":\"trt\",\"rank\":1,\"step\":1,\"step_start\":1773768907000,\"running\":4,"
                                + "\"kv_tokens\":400,\"compute_micros\":null,\"step_micros\":20000,\"sampled_steps\":null}",
                        // iter 4 after rank 0's iter 0: it stands for the 4 iterations since
                        "{\"cluster_id\":\"trt\",\"rank\":0,\"step\":5,\"step_start\":1773768908000,\"running\":2,"
                                + "\"kv_tokens\":250,\"compute_micros\":null,\"step_micros\":20000,\"sampled_steps\":4}");
        assertThat(OutputFiles.jsonLines(out.resolve("dp.dead-letter.jsonl"))).hasSize(1);
    }
}
