package io.dpbalance.datagen.generate;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpbalance.datagen.OutputFiles;
import io.dpbalance.datagen.sink.FileRecordSink;
import io.dpbalance.engine.model.Request;
import io.dpbalance.engine.policy.PolicySpec;
import io.dpbalance.engine.sim.ClusterConfig;
import io.dpbalance.engine.trace.SyntheticWorkload;
import io.dpbalance.engine.trace.Workload;
import io.dpbalance.engine.trace.WorkloadFormat;
import io.dpbalance.schemas.RankStep;
import io.dpbalance.schemas.RequestArrival;
import io.dpbalance.schemas.TokenEvent;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shutdown path that SIGINT and SIGTERM take ({@link Generation#stopAndAwait()}, what the shutdown hook runs):
 * generation stops, the files are complete and readable, the summary counts what they hold.
 */
class GenerationStopTest {

    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    private static Workload synthetic(String spec) {
        return SyntheticWorkload.parse(spec).generate();
    }

    @Test
    void stopMidRunClosesTheFilesWithEveryRecordCountedAndPrintsTheSummary(@TempDir Path dir) throws Exception {
        Workload workload = synthetic("n=200000;arrival=poisson:rate=2000;prompt=lognormal:mean=1000,sigma=1,max=16000;"
                + "output=geometric:mean=200;seed=5");
        DecodeLog decodeLog = new DecodeLog(
                workload,
                List.of("cluster-0"),
                new DecodeLogSettings(
                        ClusterConfig.reference(8, 32), PolicySpec.parse("vllm"), "hazard", Granularity.BOTH, 0, 1),
                START);
        FileRecordSink sink = new FileRecordSink(dir, "", decodeLog.topics());
        StringWriter summary = new StringWriter();
        Generation generation = new Generation("decode-log", decodeLog, sink, false, new PrintWriter(summary));

        CompletableFuture<GenerationResult> run = CompletableFuture.supplyAsync(() -> generation.run(false));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (generation.written() < 50_000 && !run.isDone() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        generation.stopAndAwait();
        GenerationResult result = run.get(30, TimeUnit.SECONDS);

        assertThat(result.stopped()).isTrue();
        assertThat(decodeLog.workDone()).isLessThan(decodeLog.workTotal());
        assertThat(summary.toString()).contains("stopped early (signal)", "dp.token-events");
        long tokens = OutputFiles.readAvro(dir.resolve("dp.token-events.avro"), TokenEvent.class)
                .size();
        assertThat(tokens).isPositive().isEqualTo(result.records("dp.token-events"));
        assertThat(OutputFiles.readAvro(dir.resolve("dp.rank-steps.avro"), RankStep.class))
                .hasSize((int) result.records("dp.rank-steps"));
        assertThat(OutputFiles.readAvro(dir.resolve("dp.requests.avro"), RequestArrival.class))
                .hasSize((int) result.records("dp.requests"));
        assertThat(OutputFiles.jsonLines(dir.resolve("dp.token-events.jsonl"))).hasSize((int) tokens);
    }

    @Test
    void stopWakesAPacedGenerationWaitingForItsNextRecord(@TempDir Path dir) throws Exception {
        // Arrivals 1000 s apart: after the first record the generation sleeps until the next one is due.
        Workload workload = new Workload(
                "three requests",
                WorkloadFormat.SYNTHETIC,
                true,
                List.of(
                        new Request("r0", 0, 0, 10, 2),
                        new Request("r1", 1, 1000, 10, 2),
                        new Request("r2", 2, 2000, 10, 2)),
                Map.of());
        ArrivalReplay replay = new ArrivalReplay(workload, List.of("cluster-0"), START);
        Generation generation = new Generation(
                "replay",
                replay,
                new FileRecordSink(dir, "", replay.topics()),
                true,
                new PrintWriter(new StringWriter()));

        CompletableFuture<GenerationResult> run = CompletableFuture.supplyAsync(() -> generation.run(false));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (generation.written() < 1 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        long stopAt = System.nanoTime();
        generation.stopAndAwait();
        GenerationResult result = run.get(30, TimeUnit.SECONDS);

        assertThat(Duration.ofNanos(System.nanoTime() - stopAt)).isLessThan(Duration.ofSeconds(10));
        assertThat(result.stopped()).isTrue();
        assertThat(result.records("dp.requests")).isEqualTo(1);
        assertThat(OutputFiles.readAvro(dir.resolve("dp.requests.avro"), RequestArrival.class))
                .hasSize(1);
    }
}
