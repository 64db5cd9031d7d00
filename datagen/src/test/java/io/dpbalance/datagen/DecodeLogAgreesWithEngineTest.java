package io.dpbalance.datagen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.dpbalance.datagen.generate.GenerationResult;
import io.dpbalance.engine.metrics.CostModel;
import io.dpbalance.engine.metrics.PowerProfile;
import io.dpbalance.engine.metrics.StepStats;
import io.dpbalance.engine.metrics.StepStatsCalculator;
import io.dpbalance.engine.policy.PolicyFactory;
import io.dpbalance.engine.policy.PolicySpec;
import io.dpbalance.engine.sim.ClusterConfig;
import io.dpbalance.engine.sim.SimulationListener;
import io.dpbalance.engine.sim.SimulationResult;
import io.dpbalance.engine.sim.Simulator;
import io.dpbalance.engine.sim.WorkloadMode;
import io.dpbalance.engine.testing.ProjectData;
import io.dpbalance.engine.trace.ReadOptions;
import io.dpbalance.engine.trace.Workload;
import io.dpbalance.engine.trace.WorkloadFormat;
import io.dpbalance.engine.trace.WorkloadReader;
import io.dpbalance.schemas.RankStep;
import io.dpbalance.schemas.RequestArrival;
import io.dpbalance.schemas.TokenEvent;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A decode log of the Azure trace, written to files and read back from the Avro container files, holds exactly
 * what the engine computes: folding its token events gives its rank steps, and its rank steps fed to the engine's
 * {@link StepStatsCalculator} give the step metrics that {@link Simulator#run} records for the same configuration.
 */
class DecodeLogAgreesWithEngineTest {

    private static final int RANKS = 4;
    private static final int BATCH = 16;
    private static final int REQUESTS = 2000;
    private static final double TIME_SCALE = 0.2;
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    static Path dir;

    private static GenerationResult result;
    private static List<RequestArrival> requests;
    private static List<TokenEvent> tokens;
    private static List<RankStep> rankSteps;
    private static Workload workload;
    private static List<StepStats> engineSteps;
    private static SimulationResult engineRun;

    @BeforeAll
    static void generateAndSimulate() {
        Path trace = ProjectData.azureConversationTrace();
        CommandRun run = CommandRun.of(
                "datagen",
                "decode-log",
                "--workload",
                trace.toString(),
                "--limit",
                Integer.toString(REQUESTS),
                "--time-scale",
                Double.toString(TIME_SCALE),
                "--ranks",
                Integer.toString(RANKS),
                "--batch",
                Integer.toString(BATCH),
                "--out",
                dir.toString());
        assertThat(run.exit()).as(run.err()).isZero();
        result = (GenerationResult) run.result();
        requests = OutputFiles.readAvro(dir.resolve("dp.requests.avro"), RequestArrival.class);
        tokens = OutputFiles.readAvro(dir.resolve("dp.token-events.avro"), TokenEvent.class);
        rankSteps = OutputFiles.readAvro(dir.resolve("dp.rank-steps.avro"), RankStep.class);

        workload = WorkloadReader.read(
                trace,
                WorkloadFormat.AUTO,
                ReadOptions.defaults().withTimeScale(TIME_SCALE).withLimit(REQUESTS));
        PolicyFactory.Instance vllm = PolicyFactory.create(PolicySpec.parse("vllm"), "hazard", 1);
        List<StepStats> steps = new ArrayList<>();
        engineRun = Simulator.run(
                workload.requests(),
                WorkloadMode.ARRIVAL,
                ClusterConfig.reference(RANKS, BATCH),
                0,
                vllm.policy(),
                vllm.lookahead(),
                new SimulationListener() {
                    @Override
                    public void onStep(StepStats metrics) {
                        steps.add(metrics);
                    }
                });
        engineSteps = steps;
    }

    @Test
    void reportedCountsAreWhatTheFilesHold() {
        assertThat(result.records("dp.requests")).isEqualTo(requests.size()).isEqualTo(2L * REQUESTS);
        assertThat(result.records("dp.token-events")).isEqualTo(tokens.size());
        assertThat(result.records("dp.rank-steps")).isEqualTo(rankSteps.size());
        assertThat(OutputFiles.jsonLines(dir.resolve("dp.token-events.jsonl"))).hasSize(tokens.size());
        assertThat(result.stopped()).isFalse();
    }

    @Test
    void everyTokenOfTheWorkloadIsLoggedOnceWithItsFinalTokenLast() {
        long outputTokens =
                workload.requests().stream().mapToLong(r -> r.outputTokens()).sum();
        assertThat(tokens).hasSize((int) outputTokens);
        assertThat(tokens.stream().filter(TokenEvent::getFinal$)).hasSize(REQUESTS);
        assertThat(engineRun.tokens()).isEqualTo(outputTokens);
    }

    @Test
    void rankStepLoadsAreTheTokenEventsFoldedPerRankAndStep() {
        Map<String, long[]> folded = new HashMap<>();
        for (TokenEvent t : tokens) {
            long[] f = folded.computeIfAbsent(t.getRank() + "/" + t.getStep(), k -> new long[2]);
            f[0] += t.getFinal$() ? 0 : t.getContextTokens();
            f[1]++;
        }
        assertThat(rankSteps).hasSize(engineSteps.size() * RANKS);
        for (RankStep r : rankSteps) {
            long[] f = folded.getOrDefault(r.getRank() + "/" + r.getStep(), new long[2]);
            assertThat(r.getKvTokens())
                    .as("kv_tokens of rank %d step %d", r.getRank(), r.getStep())
                    .isEqualTo(f[0]);
            assertThat((long) r.getRunning())
                    .as("running of rank %d step %d", r.getRank(), r.getStep())
                    .isEqualTo(f[1]);
        }
    }

    @Test
    void rankStepsFedToTheMetricsCalculatorReproduceTheSimulatorsStepMetrics() {
        long[] loads = new long[RANKS];
        for (int k = 0; k < engineSteps.size(); k++) {
            StepStats expected = engineSteps.get(k);
            long tokensInStep = 0;
            long stepMicros = -1;
            for (int g = 0; g < RANKS; g++) {
                RankStep r = rankSteps.get(k * RANKS + g);
                assertThat(r.getStep()).isEqualTo(expected.step());
                assertThat(r.getRank()).isEqualTo(g);
                loads[g] = r.getKvTokens();
                tokensInStep += r.getRunning();
                stepMicros = r.getStepMicros();
                assertThat(r.getStepStart())
                        .isEqualTo(Instant.ofEpochMilli(
                                START.toEpochMilli() + (long) Math.floor(expected.stepStart() * 1000)));
            }
            StepStats actual = StepStatsCalculator.compute(
                    expected.step(),
                    expected.stepStart(),
                    loads,
                    RANKS,
                    tokensInStep,
                    stepMicros / 1e6,
                    null,
                    PowerProfile.REFERENCE);
            assertThat(actual.imbalance()).as("imbalance of step %d", k + 1).isEqualTo(expected.imbalance());
            assertThat(actual.idleFraction())
                    .as("idle fraction of step %d", k + 1)
                    .isEqualTo(expected.idleFraction());
            assertThat(actual.maxLoad()).isEqualTo(expected.maxLoad());
            assertThat(actual.totalLoad()).isEqualTo(expected.totalLoad());
            assertThat(actual.tokens()).isEqualTo(expected.tokens());
            // step_micros is the step time rounded to the microsecond: at most 0.5 us off, which on steps of a few
            // milliseconds is up to ~2e-4 relative. Energy is power times that time, so per second it agrees exactly.
            assertThat(actual.stepSeconds()).isCloseTo(expected.stepSeconds(), within(0.5e-6 + 1e-15));
            assertThat(actual.energyJoules() / actual.stepSeconds())
                    .isCloseTo(expected.energyJoules() / expected.stepSeconds(), within(1e-9));
            assertThat(actual.idleEnergyJoules() / actual.stepSeconds())
                    .isCloseTo(expected.idleEnergyJoules() / expected.stepSeconds(), within(1e-9));
        }
    }

    @Test
    void computeTimeIsTheCostModelOnTheLoadEnteringTheStepAndTheBusiestRankTakesTheWholeStep() {
        CostModel cost = CostModel.reference(BATCH);
        Map<String, Long> entering = new HashMap<>();
        for (TokenEvent t : tokens) {
            entering.merge(t.getRank() + "/" + t.getStep(), t.getContextTokens() - 1, Long::sum);
        }
        Map<Long, Long> slowest = new HashMap<>();
        for (RankStep r : rankSteps) {
            long load = entering.getOrDefault(r.getRank() + "/" + r.getStep(), 0L);
            assertThat(r.getComputeMicros()).isEqualTo(Math.round(cost.stepSeconds(load) * 1e6));
            slowest.merge(r.getStep(), r.getComputeMicros(), Math::max);
        }
        for (RankStep r : rankSteps) {
            assertThat(slowest.get(r.getStep())).as("step %d", r.getStep()).isEqualTo(r.getStepMicros());
        }
    }

    @Test
    void eachRequestArrivesOnceAndIsUpdatedOnceOnTheRankItsTokensRanOn() {
        Map<String, Integer> tokenRank = new HashMap<>();
        Map<String, Long> tokenCount = new HashMap<>();
        for (TokenEvent t : tokens) {
            tokenRank.put(t.getRequestId(), t.getRank());
            tokenCount.merge(t.getRequestId(), 1L, Long::sum);
        }
        Map<String, RequestArrival> arrivals = new HashMap<>();
        for (RequestArrival r : requests) {
            assertThat(r.getClusterId()).isEqualTo("cluster-0");
            if (r.getRank() == null) {
                assertThat(r.getOutputTokens()).isNull();
                assertThat(arrivals.put(r.getRequestId(), r))
                        .as("second arrival of %s", r.getRequestId())
                        .isNull();
            } else {
                RequestArrival arrival = arrivals.get(r.getRequestId());
                assertThat(arrival)
                        .as("completion of %s before its arrival", r.getRequestId())
                        .isNotNull();
                assertThat(r.getArrivalTime()).isEqualTo(arrival.getArrivalTime());
                assertThat(r.getPromptTokens()).isEqualTo(arrival.getPromptTokens());
                assertThat(r.getRank()).isEqualTo(tokenRank.get(r.getRequestId()));
                assertThat(r.getOutputTokens()).isEqualTo(tokenCount.get(r.getRequestId()));
            }
        }
        assertThat(arrivals).hasSize(REQUESTS);
    }
}
