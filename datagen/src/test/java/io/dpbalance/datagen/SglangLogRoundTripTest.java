package io.dpbalance.datagen;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpbalance.engine.testing.ProjectData;
import io.dpbalance.schemas.DeadLetter;
import io.dpbalance.schemas.RankStep;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code datagen sglang-log} writes, every 40th step of a simulated run, the engine's rank loads in SGLang's layout
 * among noise lines; {@code ingest sglang-log} reads back exactly those loads: every ingested RankStep equals the
 * decode log's RankStep (the engine's loads, DecodeLogAgreesWithEngineTest) of the same rank on the same step, to the
 * second SGLang's stamps keep.
 */
class SglangLogRoundTripTest {

    private static final String[] SIMULATION = {
        "--workload",
        ProjectData.azureConversationTrace().toString(),
        "--limit",
        "1500",
        "--time-scale",
        "0.2",
        "--ranks",
        "4",
        "--batch",
        "16"
    };

    @TempDir
    Path dir;

    private static String[] args(String[] head, String... tail) {
        String[] all = new String[head.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }

    @Test
    void ingestingTheGeneratedLogGivesTheEnginesLoadsOnEverySampledStep() throws IOException {
        Path log = dir.resolve("scheduler.log");
        CommandRun gen = CommandRun.of(args(
                new String[] {"datagen", "sglang-log"}, args(SIMULATION, "--interval", "40", "--out", log.toString())));
        assertThat(gen.exit()).as(gen.err()).isZero();
        CommandRun truth = CommandRun.of(args(
                new String[] {"datagen", "decode-log"},
                args(
                        SIMULATION,
                        "--granularity",
                        "rank",
                        "--out",
                        dir.resolve("truth").toString())));
        assertThat(truth.exit()).as(truth.err()).isZero();
        CommandRun ingest = CommandRun.of(
                "ingest",
                "sglang-log",
                log.toString(),
                "--log-interval",
                "40",
                "--out",
                dir.resolve("ingested").toString());
        assertThat(ingest.exit()).as(ingest.err()).isZero();

        List<RankStep> engine = OutputFiles.readAvro(dir.resolve("truth/dp.rank-steps.avro"), RankStep.class).stream()
                .filter(s -> s.getStep() % 40 == 0)
                .toList();
        List<RankStep> ingested = OutputFiles.readAvro(dir.resolve("ingested/dp.rank-steps.avro"), RankStep.class);
        assertThat(engine).hasSizeGreaterThan(100);
        assertThat(ingested).hasSameSizeAs(engine);
        for (int i = 0; i < engine.size(); i++) {
            RankStep e = engine.get(i);
            RankStep g = ingested.get(i);
            assertThat(List.of(g.getClusterId().toString(), g.getRank(), g.getStep(), g.getRunning(), g.getKvTokens()))
                    .as("sample %d", i)
                    .isEqualTo(List.of(
                            e.getClusterId().toString(), e.getRank(), e.getStep(), e.getRunning(), e.getKvTokens()));
            assertThat(g.getStepStart()).isEqualTo(e.getStepStart().truncatedTo(ChronoUnit.SECONDS));
            assertThat(g.getSampledSteps())
                    .as("a line every 40 steps stands for 40")
                    .isEqualTo(40L);
        }

        List<String> lines = Files.readAllLines(log);
        long noise = lines.stream().filter(l -> !l.contains("] Decode batch, ")).count();
        assertThat(noise).as("prefill and HTTP lines interleaved").isGreaterThan(1000);
        assertThat(ingest.out())
                .contains("rank-steps written               " + engine.size())
                .contains("skipped NOT_DECODE_LINE          " + noise);
        assertThat(OutputFiles.readAvro(dir.resolve("ingested/dp.dead-letter.avro"), DeadLetter.class))
                .isEmpty();
    }
}
