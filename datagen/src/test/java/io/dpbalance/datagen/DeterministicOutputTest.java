package io.dpbalance.datagen;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpbalance.schemas.RankStep;
import io.dpbalance.schemas.TokenEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same arguments write byte-identical files; another seed changes what the seed drives. */
class DeterministicOutputTest {

    private static final String WORKLOAD =
            "n=300;arrival=poisson:rate=40;prompt=lognormal:mean=800,sigma=1,max=8000;output=geometric:mean=60;seed=3";

    private static CommandRun decodeLog(Path out, String seed) {
        CommandRun run = CommandRun.of(
                "datagen",
                "decode-log",
                "--synthetic",
                WORKLOAD,
                "--ranks",
                "4",
                "--batch",
                "8",
                "--policy",
                "bfio:h=10,lookahead=noisy:0.3",
                "--jitter",
                "0.2",
                "--seed",
                seed,
                "--clusters",
                "2",
                "--out",
                out.toString());
        assertThat(run.exit()).as(run.err()).isZero();
        return run;
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().toList();
        }
    }

    @Test
    void sameSeedWritesByteIdenticalFiles(@TempDir Path first, @TempDir Path second) throws IOException {
        decodeLog(first, "7");
        decodeLog(second, "7");

        List<Path> written = files(first);
        assertThat(written)
                .extracting(p -> p.getFileName().toString())
                .containsExactly(
                        "dp.rank-steps.avro",
                        "dp.rank-steps.jsonl",
                        "dp.requests.avro",
                        "dp.requests.jsonl",
                        "dp.token-events.avro",
                        "dp.token-events.jsonl");
        for (Path file : written) {
            assertThat(Files.size(file)).as("%s", file.getFileName()).isPositive();
            assertThat(Files.mismatch(file, second.resolve(file.getFileName())))
                    .as("first differing byte of %s", file.getFileName())
                    .isEqualTo(-1L);
        }
    }

    @Test
    void anotherSeedChangesTheJitteredComputeTimes(@TempDir Path first, @TempDir Path second) {
        decodeLog(first, "7");
        decodeLog(second, "8");

        List<RankStep> a = OutputFiles.readAvro(first.resolve("dp.rank-steps.avro"), RankStep.class);
        List<RankStep> b = OutputFiles.readAvro(second.resolve("dp.rank-steps.avro"), RankStep.class);
        assertThat(a.stream().map(RankStep::getComputeMicros).toList())
                .isNotEqualTo(b.stream().map(RankStep::getComputeMicros).toList());
        // Without jitter the busiest rank computes for exactly the step time and the others for less; jitter 0.2
        // takes some beyond it, by at most 20%.
        double slowest = a.stream()
                .mapToDouble(r -> r.getComputeMicros() / (double) r.getStepMicros())
                .max()
                .orElseThrow();
        assertThat(slowest).isGreaterThan(1.0).isLessThanOrEqualTo(1.2 + 1e-3);
    }

    @Test
    void clustersGetTheSameWorkloadUnderTheirOwnIdsAndSeeds(@TempDir Path out) {
        CommandRun run = CommandRun.of(
                "datagen",
                "decode-log",
                "--synthetic",
                WORKLOAD,
                "--ranks",
                "4",
                "--batch",
                "8",
                "--policy",
                "least-tokens",
                "--clusters",
                "3",
                "--cluster-prefix",
                "dc1-",
                "--out",
                out.toString());
        assertThat(run.exit()).as(run.err()).isZero();

        List<TokenEvent> tokens = OutputFiles.readAvro(out.resolve("dp.token-events.avro"), TokenEvent.class);
        List<List<TokenEvent>> perCluster = Stream.of("dc1-0", "dc1-1", "dc1-2")
                .map(id ->
                        tokens.stream().filter(t -> t.getClusterId().equals(id)).toList())
                .toList();
        assertThat(perCluster.get(0)).isNotEmpty().hasSize(tokens.size() / 3);
        for (List<TokenEvent> cluster : perCluster) {
            for (int i = 1; i < cluster.size(); i++) {
                assertThat(cluster.get(i).getStep())
                        .isGreaterThanOrEqualTo(cluster.get(i - 1).getStep());
            }
            assertThat(cluster.stream()
                            .map(t -> t.getRequestId() + "@" + t.getStep() + "/" + t.getRank())
                            .toList())
                    .isEqualTo(perCluster.get(0).stream()
                            .map(t -> t.getRequestId() + "@" + t.getStep() + "/" + t.getRank())
                            .toList());
        }
        for (int i = 1; i < tokens.size(); i++) {
            assertThat(tokens.get(i).getEventTime())
                    .as("token %d: clusters interleave by time", i)
                    .isAfterOrEqualTo(tokens.get(i - 1).getEventTime().minusMillis(100));
        }
    }
}
