package io.dpbalance.report;

import io.dpbalance.schemas.Assignment;
import io.dpbalance.schemas.RankStep;
import io.dpbalance.schemas.RecordJson;
import io.dpbalance.schemas.StepMetrics;
import io.dpbalance.schemas.WindowMetrics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Small hand-made inputs whose aggregates are worked out by hand in the tests. Times are offsets from {@link #T0}.
 *
 * <p>Cluster c1, observed: three steps (imbalance 100, 200, 300; idle 0.1, 0.2, 0.3; tokens 10, 20, 30; step seconds
 * 1, 1, 2; energy 5, 10, 15), so mean imbalance 200, mean idle 0.2, 60 tokens, 30 J (0.5 J/token, 2 tokens/J),
 * 15 tokens/s. bfio: two steps (imbalance 0, 100; idle 0, 0.1; tokens 10, 10; seconds 1, 1; energy 8, 12): means 50
 * and 0.05, 20 tokens, 20 J, 10 tokens/s. vllm: windows only: (2 steps, imbalance 100, idle 0.5, 10 tokens, 20 J,
 * 5 tokens/s) and (6 steps, 300, 0.1, 30 tokens, 20 J, 10 tokens/s): means 250 and 0.2, 40 tokens, 40 J, 5 s so
 * 8 tokens/s.
 */
final class Fixtures {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private Fixtures() {}

    static Instant at(long millis) {
        return T0.plusMillis(millis);
    }

    static StepMetrics step(
            String cluster,
            String policy,
            long step,
            long startMillis,
            long imbalance,
            double idle,
            long tokens,
            double seconds,
            double energy) {
        return StepMetrics.newBuilder()
                .setClusterId(cluster)
                .setPolicy(policy)
                .setStep(step)
                .setStepStart(at(startMillis))
                .setRanks(4)
                .setRunning((int) tokens)
                .setMaxLoad(1000)
                .setTotalLoad(4000 - imbalance)
                .setImbalance(imbalance)
                .setIdleFraction(idle)
                .setStepSeconds(seconds)
                .setEnergyJoules(energy)
                .setIdleEnergyJoules(energy / 10)
                .setTokens(tokens)
                .build();
    }

    static WindowMetrics window(
            String cluster,
            String policy,
            long startMillis,
            long steps,
            double imbalance,
            double idle,
            long tokens,
            double energy,
            double throughput) {
        return WindowMetrics.newBuilder()
                .setClusterId(cluster)
                .setPolicy(policy)
                .setWindowStart(at(startMillis))
                .setWindowEnd(at(startMillis + 10_000))
                .setSteps(steps)
                .setAvgImbalance(imbalance)
                .setAvgIdleFraction(idle)
                .setP50IdleFraction(idle)
                .setP95IdleFraction(idle)
                .setP99IdleFraction(idle)
                .setTokens(tokens)
                .setEnergyJoules(energy)
                .setIdleEnergyJoules(energy / 10)
                .setTokensPerJoule(tokens / energy)
                .setThroughputTokensPerS(throughput)
                .setLateRecords(0)
                .setMissingRankSteps(0)
                .build();
    }

    static RankStep rankStep(String cluster, int rank, long step, long startMillis, long kv) {
        return RankStep.newBuilder()
                .setClusterId(cluster)
                .setRank(rank)
                .setStep(step)
                .setStepStart(at(startMillis))
                .setRunning(1)
                .setKvTokens(kv)
                .build();
    }

    static Assignment assignment(String cluster, String policy, String request, int rank) {
        return Assignment.newBuilder()
                .setClusterId(cluster)
                .setPolicy(policy)
                .setRequestId(request)
                .setRank(rank)
                .setStep(0)
                .setQueueWaitMillis(0)
                .build();
    }

    static List<StepMetrics> steps() {
        return List.of(
                step("c1", "observed", 1, 0, 100, 0.1, 10, 1, 5),
                step("c1", "observed", 2, 1000, 200, 0.2, 20, 1, 10),
                step("c1", "observed", 3, 12_000, 300, 0.3, 30, 2, 15),
                step("c1", "bfio", 1, 0, 0, 0.0, 10, 1, 8),
                step("c1", "bfio", 2, 1000, 100, 0.1, 10, 1, 12));
    }

    static List<WindowMetrics> windows() {
        return List.of(
                window("c1", "observed", 0, 2, 150, 0.15, 30, 15, 15),
                window("c1", "observed", 10_000, 1, 300, 0.3, 30, 15, 15),
                window("c1", "vllm", 0, 2, 100, 0.5, 10, 20, 5),
                window("c1", "vllm", 10_000, 6, 300, 0.1, 30, 20, 10));
    }

    /** Ranks 0..3 of c1, steps 1 and 2 in window 0 and step 3 in window 1; kv = 100 * step + rank. */
    static List<RankStep> rankSteps() {
        List<RankStep> out = new java.util.ArrayList<>();
        long[][] steps = {{1, 0}, {2, 1000}, {3, 12_000}};
        for (long[] s : steps) {
            for (int rank = 0; rank < 4; rank++) {
                out.add(rankStep("c1", rank, s[0], s[1], 100 * s[0] + rank));
            }
        }
        return out;
    }

    static final String SIMULATE_ARRIVAL = """
      {"policy": "vllm", "mode": "arrival", "ranks": 4, "batch": 8, "requests": 100, "avg_imbalance": 120.5, \
      "avg_idle_fraction": 0.25, "throughput_tokens_per_s": 50.0, "energy_joules": 400.0, "idle_energy_joules": 40.0, \
      "tokens_per_joule": 0.5, "tokens": 200, "seconds": 4.0, "mean_tpot_s": 0.02, "finished": 100, "steps": 40, \
      "averaged_steps": 40, "decisions": 10, "decision_p50_us": 1.0, "decision_p99_us": 2.0, "max_wait_steps": 0, \
      "queue_wait_p50_s": 0.1, "queue_wait_p95_s": 0.5, "queue_wait_p99_s": 0.9, "e2e_p50_s": 1.0, \
      "e2e_p95_s": 2.0, "e2e_p99_s": 3.0, "wall_ms": 5.0}
      {"policy": "bfio:h=0,lookahead=oracle", "mode": "arrival", "ranks": 4, "batch": 8, "requests": 100, \
      "avg_imbalance": 60.0, "avg_idle_fraction": 0.125, "throughput_tokens_per_s": 55.0, "energy_joules": 500.0, \
      "idle_energy_joules": 20.0, "tokens_per_joule": 0.4, "tokens": 200, "seconds": 3.6, "mean_tpot_s": 0.018, \
      "finished": 100, "steps": 38, "averaged_steps": 38, "decisions": 10, "decision_p50_us": 3.0, \
      "decision_p99_us": 9.0, "max_wait_steps": 0, "queue_wait_p50_s": 0.05, "queue_wait_p95_s": 0.25, \
      "queue_wait_p99_s": 0.45, "e2e_p50_s": 0.9, "e2e_p95_s": 1.8, "e2e_p99_s": 2.7, "wall_ms": 6.0}
      """;

    static final String SWEEP = """
      {"policy": "fcfs", "mode": "pool", "ranks": 4, "batch": 8, "requests": 50, "avg_imbalance": 100.0, \
      "avg_idle_fraction": 0.2, "throughput_tokens_per_s": 1.0, "energy_joules": 1.0, "idle_energy_joules": 0.1, \
      "tokens_per_joule": 1.0, "tokens": 1, "seconds": 1.0, "mean_tpot_s": 0.1, "finished": 50, "steps": 9, \
      "averaged_steps": 9, "decisions": 3, "decision_p50_us": 0.1, "decision_p99_us": 0.2, "max_wait_steps": 0, \
      "wall_ms": 1.0, "imbalance_ratio": 1.0}
      {"policy": "bfio:h=0,lookahead=oracle", "mode": "pool", "ranks": 4, "batch": 8, "requests": 50, \
      "avg_imbalance": 25.0, "avg_idle_fraction": 0.05, "throughput_tokens_per_s": 1.0, "energy_joules": 1.0, \
      "idle_energy_joules": 0.1, "tokens_per_joule": 1.0, "tokens": 1, "seconds": 1.0, "mean_tpot_s": 0.1, \
      "finished": 50, "steps": 9, "averaged_steps": 9, "decisions": 3, "decision_p50_us": 0.1, \
      "decision_p99_us": 0.2, "max_wait_steps": 0, "wall_ms": 1.0, "imbalance_ratio": 4.0}
      {"policy": "fcfs", "mode": "pool", "ranks": 8, "batch": 8, "requests": 50, "avg_imbalance": 300.0, \
      "avg_idle_fraction": 0.3, "throughput_tokens_per_s": 1.0, "energy_joules": 1.0, "idle_energy_joules": 0.1, \
      "tokens_per_joule": 1.0, "tokens": 1, "seconds": 1.0, "mean_tpot_s": 0.1, "finished": 50, "steps": 9, \
      "averaged_steps": 9, "decisions": 3, "decision_p50_us": 0.1, "decision_p99_us": 0.2, "max_wait_steps": 0, \
      "wall_ms": 1.0, "imbalance_ratio": 1.0}
      {"policy": "bfio:h=0,lookahead=oracle", "mode": "pool", "ranks": 8, "batch": 8, "requests": 50, \
      "avg_imbalance": 100.0, "avg_idle_fraction": 0.1, "throughput_tokens_per_s": 1.0, "energy_joules": 1.0, \
      "idle_energy_joules": 0.1, "tokens_per_joule": 1.0, "tokens": 1, "seconds": 1.0, "mean_tpot_s": 0.1, \
      "finished": 50, "steps": 9, "averaged_steps": 9, "decisions": 3, "decision_p50_us": 0.1, \
      "decision_p99_us": 0.2, "max_wait_steps": 0, "wall_ms": 1.0, "imbalance_ratio": 3.0}
      """;

    /** Every fixture as the files the jobs, the datagen and the simulator write, in {@code dir}. */
    static List<Path> writeAll(Path dir) throws IOException {
        Path analytics = dir.resolve("analytics/dp.step-metrics");
        Files.createDirectories(analytics);
        writeJsonLines(analytics.resolve("part-0-0.jsonl"), Fixtures.steps());
        Path windows = dir.resolve("analytics/dp.window-metrics");
        Files.createDirectories(windows);
        writeJsonLines(windows.resolve("part-0-0.jsonl"), Fixtures.windows());
        Files.writeString(windows.resolve(".part-0-1.inprogress"), "garbage that a reader must skip");
        Path in = dir.resolve("in");
        Files.createDirectories(in);
        writeAvroContainer(in.resolve("dp.rank-steps.avro"), RankStep.class, rankSteps());
        writeJsonLines(in.resolve("dp.rank-steps.jsonl"), rankSteps());
        Path simulate = dir.resolve("simulate.jsonl");
        Files.writeString(simulate, SIMULATE_ARRIVAL);
        Path sweep = dir.resolve("sweep.jsonl");
        Files.writeString(sweep, SWEEP);
        return List.of(dir.resolve("analytics"), in, simulate, sweep);
    }

    static <T extends SpecificRecord> void writeJsonLines(Path file, List<T> records) throws IOException {
        StringBuilder text = new StringBuilder();
        for (T record : records) {
            text.append(RecordJson.toJson(record)).append('\n');
        }
        Files.writeString(file, text.toString(), StandardCharsets.UTF_8);
    }

    static <T extends SpecificRecord> void writeAvroContainer(Path file, Class<T> type, List<T> records)
            throws IOException {
        try (DataFileWriter<T> writer = new DataFileWriter<>(new SpecificDatumWriter<>(type))) {
            writer.create(records.get(0).getSchema(), file.toFile());
            for (T record : records) {
                writer.append(record);
            }
        }
    }
}
