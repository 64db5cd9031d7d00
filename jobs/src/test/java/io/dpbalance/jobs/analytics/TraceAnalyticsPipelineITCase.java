package io.dpbalance.jobs.analytics;

import static io.dpbalance.jobs.analytics.LogFixtures.T0;
import static io.dpbalance.jobs.analytics.LogFixtures.rankStep;
import static io.dpbalance.jobs.analytics.LogFixtures.settings;
import static io.dpbalance.jobs.analytics.LogFixtures.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import io.dpbalance.engine.metrics.CostModel;
import io.dpbalance.jobs.common.DeadLetters;
import io.dpbalance.jobs.common.SinkApplier;
import io.dpbalance.schemas.Codecs;
import io.dpbalance.schemas.DeadLetter;
import io.dpbalance.schemas.RankStep;
import io.dpbalance.schemas.StepMetrics;
import io.dpbalance.schemas.TokenEvent;
import io.dpbalance.schemas.WindowMetrics;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole pipeline on a MiniCluster (parallelism 2) over bounded in-memory sources: two clusters whose step metrics
 * are worked out by hand below, one from token events with a learned roster (a), one from rank-steps with measured
 * times and a configured roster of 2 (b), plus one record of each dead-letter reason.
 */
class TraceAnalyticsPipelineITCase {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    private static final AnalyticsSettings SETTINGS = settings().withRoster(Map.of("b", 2, "c", 2));
    private static final double A_STEP_1_IDLE = (0 + 11.0 / 15 + 1) / 3;
    private static final double A_STEP_2_IDLE = (0 + 6.0 / 11 + 1) / 3;
    private static final double A_STEP_3_IDLE = (1 + 0 + 0.5) / 3;

    /** Token payloads of cluster a, in time order, with the bad ones among them; offsets are list positions. */
    private static final List<byte[]> TOKENS = new ArrayList<>();

    private static final List<byte[]> RANK_STEPS = new ArrayList<>();

    @BeforeAll
    static void logs() {
        // step 1 at T0: rank 0 holds a1 (10) and a2 (5); rank 1 a3 (4); a4 ends on rank 2, so rank 2's load is 0
        tokens(
                token("a", 0, 1, "a1", T0, 10, false),
                token("a", 0, 1, "a2", T0, 5, false),
                token("a", 1, 1, "a3", T0, 4, false),
                token("a", 2, 1, "a4", T0, 7, true));
        TOKENS.add(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}); // offset 4: BAD_MARKER
        // step 2 at T0+20: loads (11, 5, -) and rank 2 has no record
        tokens(
                token("a", 0, 2, "a1", T0 + 20, 11, false),
                token("a", 0, 2, "a2", T0 + 20, 6, true),
                token("a", 1, 2, "a3", T0 + 20, 5, false));
        tokens(token("a", 1, 2, "a6", T0 + 20, -3, false)); // offset 8: NEGATIVE_COUNT
        byte[] unknownFingerprint = Codecs.TOKEN_EVENT.encode(token("a", 0, 2, "a9", T0 + 20, 1, false));
        unknownFingerprint[2] ^= (byte) 0xFF;
        TOKENS.add(unknownFingerprint); // offset 9
        // step 3 at T0+40: loads (0, 6, 3)
        tokens(
                token("a", 0, 3, "a1", T0 + 40, 12, true),
                token("a", 1, 3, "a3", T0 + 40, 6, false),
                token("a", 2, 3, "a5", T0 + 40, 3, false));
        tokens(token("a", 1, 1, "a3", T0 + 60, 7, false)); // offset 13: STEP_BACKWARDS

        rankSteps(
                rankStep("b", 0, 1, T0 + 5, 2, 100, 8_000L, 10_000L),
                rankStep("b", 1, 1, T0 + 5, 1, 50, 4_000L, 10_000L),
                rankStep("b", 2, 1, T0 + 5, 1, 50, 4_000L, 10_000L), // offset 2: outside roster
                rankStep("b", 0, 2, T0 + 25, 2, 80, 6_000L, 9_000L));
    }

    private static void tokens(TokenEvent... events) {
        for (TokenEvent event : events) {
            TOKENS.add(Codecs.TOKEN_EVENT.encode(event));
        }
    }

    private static void rankSteps(RankStep... records) {
        for (RankStep record : records) {
            RANK_STEPS.add(Codecs.RANK_STEP.encode(record));
        }
    }

    private record Outputs(List<StepMetrics> steps, List<WindowMetrics> windows, List<DeadLetter> deadLetters) {}

    private static Outputs run(List<byte[]> tokens, long[] tokenOffsets) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        // Every record and every state of the job has a serializer of its own: none falls back to Kryo.
        env.configure(new Configuration().set(PipelineOptions.GENERIC_TYPES, false));
        CollectingSink<StepMetrics> steps = new CollectingSink<>();
        CollectingSink<WindowMetrics> windows = new CollectingSink<>();
        CollectingSink<DeadLetter> deadLetters = new CollectingSink<>();
        TraceAnalyticsJob.defineWorkflow(
                env,
                SETTINGS,
                BoundedInputs.of(
                        TraceAnalyticsJob.tokenEventDecoder(SETTINGS),
                        "dp.token-events",
                        tokens,
                        tokenOffsets,
                        RateLimiterStrategy.noOp()),
                BoundedInputs.of(TraceAnalyticsJob.rankStepDecoder(SETTINGS), "dp.rank-steps", RANK_STEPS),
                SinkApplier.of(steps),
                SinkApplier.of(windows),
                SinkApplier.of(deadLetters));
        env.execute("pipeline test");
        List<StepMetrics> stepValues = new ArrayList<>(steps.values());
        stepValues.sort(Comparator.comparing(StepMetrics::getClusterId).thenComparing(StepMetrics::getStep));
        List<WindowMetrics> windowValues = new ArrayList<>(windows.values());
        windowValues.sort(Comparator.comparing(WindowMetrics::getClusterId));
        List<DeadLetter> letters = new ArrayList<>(deadLetters.values());
        letters.sort(Comparator.comparing(DeadLetter::getSourceTopic).thenComparing(DeadLetter::getOffset));
        letters.forEach(letter -> letter.setSeenAt(java.time.Instant.EPOCH));
        return new Outputs(stepValues, windowValues, letters);
    }

    private static long[] positions(int n) {
        long[] offsets = new long[n];
        for (int i = 0; i < n; i++) {
            offsets[i] = i;
        }
        return offsets;
    }

    @Test
    void computesStepAndWindowMetricsOfBothClustersAndRoutesEachBadRecordWithItsReason() throws Exception {
        Outputs out = run(TOKENS, positions(TOKENS.size()));

        // The cost model on the busiest rank's load entering step 1 (docs/design.md §3): rank 0's (10 - 1) + (5 - 1) =
        // 13 tokens,
        // rank 1's 3, rank 2's 6 -- not on the load after the step's token (15).
        double aSeconds1 = CostModel.reference(72).stepSeconds(13);
        assertThat(out.steps())
                .extracting(
                        StepMetrics::getClusterId,
                        StepMetrics::getStep,
                        StepMetrics::getRanks,
                        StepMetrics::getMaxLoad,
                        StepMetrics::getTotalLoad,
                        StepMetrics::getImbalance,
                        StepMetrics::getRunning)
                .containsExactly(
                        tuple("a", 1L, 3, 15L, 19L, 26L, 4),
                        tuple("a", 2L, 3, 11L, 16L, 17L, 3),
                        tuple("a", 3L, 3, 6L, 9L, 9L, 3),
                        tuple("b", 1L, 2, 100L, 150L, 50L, 3),
                        tuple("b", 2L, 2, 80L, 80L, 80L, 2));
        assertThat(out.steps())
                .extracting(StepMetrics::getIdleFraction)
                .satisfiesExactly(
                        v -> assertThat(v).isCloseTo(A_STEP_1_IDLE, within(1e-12)),
                        v -> assertThat(v).isCloseTo(A_STEP_2_IDLE, within(1e-12)),
                        v -> assertThat(v).isCloseTo(A_STEP_3_IDLE, within(1e-12)),
                        v -> assertThat(v).isCloseTo(0.25, within(1e-12)),
                        v -> assertThat(v).isCloseTo(0.5, within(1e-12)));
        StepMetrics a1 = out.steps().get(0);
        assertThat(a1.getStepStart().toEpochMilli()).isEqualTo(T0);
        assertThat(a1.getStepSeconds()).isCloseTo(aSeconds1, within(1e-15));
        assertThat(a1.getTimeIdleFraction()).isNull();
        StepMetrics b2 = out.steps().get(4);
        assertThat(b2.getStepSeconds()).isEqualTo(0.009);
        // rank 1 missing: it computed nothing; ((0.009 - 0.006) + 0.009) / (2 * 0.009)
        assertThat(b2.getTimeIdleFraction()).isCloseTo(2.0 / 3, within(1e-12));

        assertThat(out.windows())
                .extracting(
                        WindowMetrics::getClusterId,
                        WindowMetrics::getSteps,
                        WindowMetrics::getTokens,
                        WindowMetrics::getMissingRankSteps,
                        WindowMetrics::getLateRecords)
                .containsExactly(tuple("a", 3L, 10L, 1L, 0L), tuple("b", 2L, 5L, 1L, 0L));
        WindowMetrics a = out.windows().get(0);
        assertThat(a.getWindowStart().toEpochMilli()).isEqualTo(T0);
        assertThat(a.getAvgImbalance()).isCloseTo((26 + 17 + 9) / 3.0, within(1e-12));
        assertThat(a.getAvgIdleFraction())
                .isCloseTo((A_STEP_1_IDLE + A_STEP_2_IDLE + A_STEP_3_IDLE) / 3, within(1e-12));
        assertThat(out.windows().get(1).getThroughputTokensPerS()).isCloseTo(5 / 0.019, within(1e-9));

        assertThat(out.deadLetters())
                .extracting(
                        DeadLetter::getSourceTopic,
                        DeadLetter::getOffset,
                        letter -> DeadLetters.code(letter.getReason()),
                        DeadLetter::getClusterId)
                .containsExactly(
                        tuple("dp.rank-steps", 2L, "RANK_OUTSIDE_ROSTER", "b"),
                        tuple("dp.token-events", 4L, "BAD_MARKER", ""),
                        tuple("dp.token-events", 8L, "NEGATIVE_COUNT", "a"),
                        tuple("dp.token-events", 9L, "UNKNOWN_FINGERPRINT", ""),
                        tuple("dp.token-events", 13L, "STEP_BACKWARDS", "a"));
        assertThat(out.deadLetters().get(1).getPayload().array()).isEqualTo(TOKENS.get(4));
    }

    @Test
    void outOfOrderRecordsWithinTheBoundGiveIdenticalResults() throws Exception {
        Outputs inOrder = run(TOKENS, positions(TOKENS.size()));
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < TOKENS.size(); i++) {
            order.add(i);
        }
        // Every token lies within 60 ms of the others, well inside the 1 s bound: any order is in bound.
        Collections.shuffle(order, new Random(42));
        List<byte[]> shuffled = new ArrayList<>();
        long[] offsets = new long[order.size()];
        for (int i = 0; i < order.size(); i++) {
            shuffled.add(TOKENS.get(order.get(i)));
            offsets[i] = order.get(i);
        }

        Outputs outOfOrder = run(shuffled, offsets);

        assertThat(outOfOrder).isEqualTo(inOrder);
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES) // should the step never close, the gate would hold the job forever
    void aRecordLaterThanTheBoundIsCountedLateAndLeavesItsClosedStepAlone() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        List<byte[]> records = List.of(
                Codecs.RANK_STEP.encode(rankStep("c", 0, 1, T0, 1, 10, null, null)),
                Codecs.RANK_STEP.encode(rankStep("c", 0, 2, T0 + 5000, 1, 10, null, null)),
                Codecs.RANK_STEP.encode(rankStep("c", 1, 1, T0, 1, 7, null, null)));
        // The third record is held back until step 1's metrics reach the sink: by then the watermark (raised by the
        // second record) has closed step 1's window, so the third arrives late whatever the machine's speed.
        Gate stepOneClosed = new Gate();
        CollectingSink<StepMetrics> steps = new CollectingSink<>();
        CollectingSink<WindowMetrics> windows = new CollectingSink<>();
        TraceAnalyticsJob.defineWorkflow(
                env,
                SETTINGS,
                null,
                BoundedInputs.of(
                        TraceAnalyticsJob.rankStepDecoder(SETTINGS),
                        "dp.rank-steps",
                        records,
                        positions(3),
                        stepOneClosed.passingFirst(2)),
                SinkApplier.of(
                        stepOneClosed.openedBy(steps, m -> m.getClusterId().equals("c") && m.getStep() == 1)),
                SinkApplier.of(windows),
                SinkApplier.of(new CollectingSink<>()));
        env.execute("late record test");

        assertThat(steps.values())
                .filteredOn(m -> m.getStep() == 1)
                .singleElement()
                .satisfies(m -> assertThat(m.getTotalLoad()).isEqualTo(10));
        assertThat(windows.values()).singleElement().satisfies(w -> {
            assertThat(w.getLateRecords()).isEqualTo(1);
            assertThat(w.getSteps()).isEqualTo(2);
            assertThat(w.getMissingRankSteps()).isEqualTo(2);
        });
    }
}
