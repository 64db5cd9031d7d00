package io.dpbalance.jobs.analytics;

import static io.dpbalance.jobs.analytics.LogFixtures.T0;
import static io.dpbalance.jobs.analytics.LogFixtures.load;
import static io.dpbalance.jobs.analytics.LogFixtures.settings;
import static org.assertj.core.api.Assertions.assertThat;

import io.dpbalance.jobs.common.Keys;
import io.dpbalance.schemas.RankStep;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class StepWindowFunctionTest {

    /** The step window, keyed as in a streaming run; opened. */
    static KeyedOneInputStreamOperatorTestHarness<String, RankLoad, StepLoads> harness() throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new StepWindowFunction(settings())),
                (RankLoad l) -> Keys.step(l.clusterId, l.step),
                Types.STRING);
        h.open();
        return h;
    }

    @Test
    void closesStepWindowWhenWatermarkPassesEarliestRecordPlusSpread() throws Exception {
        try (var h = harness()) {
            h.processElement(load("a", 1, 7, T0 + 30, 2, 40), T0 + 30);
            h.processElement(load("a", 0, 7, T0 + 10, 3, 90), T0 + 10);
            assertThat(h.numEventTimeTimers()).isEqualTo(1);

            h.processWatermark(T0 + 109);
            assertThat(h.extractOutputValues()).isEmpty();
            h.processWatermark(T0 + 110);

            assertThat(h.extractOutputValues()).singleElement().satisfies(step -> {
                assertThat(step.step).isEqualTo(7);
                assertThat(step.stepStart).isEqualTo(T0 + 10);
                assertThat(step.ranks).extracting(r -> r.rank).containsExactly(0, 1);
            });
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void countsRecordsArrivingAfterTheirStepWindowClosedAsLateAndChangesNothing() throws Exception {
        try (var h = harness()) {
            h.processElement(load("a", 0, 1, T0, 1, 10), T0);
            h.processWatermark(T0 + 500);
            h.processElement(load("a", 1, 1, T0, 1, 99), T0);

            assertThat(h.extractOutputValues())
                    .singleElement()
                    .satisfies(step -> assertThat(step.ranks).hasSize(1));
            assertThat(h.getSideOutput(StepWindowFunction.LATE)).singleElement().satisfies(late -> {
                assertThat(late.getValue().lateRecords).isEqualTo(1);
                assertThat(late.getValue().clusterId).isEqualTo("a");
            });
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }

    @Test
    void tokenSharesOfOneRankAddUpAndARankStepReplacesThem() throws Exception {
        RankLoad first = LogFixtures.tokenShare("a", 0, 2, T0, 1, 10, 9);
        RankLoad second = LogFixtures.tokenShare("a", 0, 2, T0 + 5, 1, 20, 19);
        RankLoad rankStep = load("a", 1, 2, T0, 4, 400);
        RankLoad resent = load("a", 1, 2, T0, 4, 400);
        try (var h = harness()) {
            h.processElement(first, T0);
            h.processElement(second, T0 + 5);
            h.processElement(rankStep, T0);
            h.processElement(resent, T0);
            h.processWatermark(T0 + 100);

            StepLoads step = h.extractOutputValues().get(0);
            assertThat(step.ranks[0].running).isEqualTo(2);
            assertThat(step.ranks[0].kvTokens).isEqualTo(30);
            assertThat(step.ranks[1].kvTokens).isEqualTo(400);
        }
    }

    /**
     * Issue 10: a rank-step repeated for the same (cluster, rank, step), by a producer's resend or with other values,
     * used to replace the first one silently; now the first counts and the repeat is a dead letter with its own reason,
     * where it was read and its bytes.
     */
    @Test
    void aRepeatedRankStepIsADeadLetterAndTheFirstCounts() throws Exception {
        RankStep first = LogFixtures.rankStep("a", 1, 2, T0, 4, 400, null, null);
        RankStep other = LogFixtures.rankStep("a", 1, 2, T0, 9, 900, null, null);
        try (var h = harness()) {
            h.processElement(RankLoad.of(rankStepInput(first, 10)), T0);
            h.processElement(RankLoad.of(rankStepInput(first, 11)), T0);
            h.processElement(RankLoad.of(rankStepInput(other, 12)), T0);
            h.processWatermark(T0 + 100);

            assertThat(h.extractOutputValues()).singleElement().satisfies(step -> {
                assertThat(step.ranks).hasSize(1);
                assertThat(step.ranks[0].kvTokens).isEqualTo(400);
                assertThat(step.ranks[0].running).isEqualTo(4);
                assertThat(step.ranks[0].payload)
                        .as("kept only while the step window is open")
                        .isNull();
            });
            assertThat(h.getSideOutput(StepWindowFunction.DEAD_LETTERS))
                    .extracting(r -> r.getValue())
                    .satisfiesExactly(
                            letter -> {
                                assertThat(letter.getReason())
                                        .startsWith("RANK_STEP_REPEATED: cluster 'a' rank 1 step 2")
                                        .contains("offset 10");
                                assertThat(letter.getOffset()).isEqualTo(11);
                                assertThat(letter.getSourceTopic()).isEqualTo("dp.rank-steps");
                                assertThat(letter.getPayload().array())
                                        .isEqualTo(io.dpbalance.schemas.Codecs.RANK_STEP.encode(first));
                            },
                            letter -> assertThat(letter.getOffset()).isEqualTo(12));
            assertThat(h.getSideOutput(StepWindowFunction.LATE)).isNull();
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }

    /**
     * Issue 10: a token share reaching its step window after the window closed was counted in late_records and dropped
     * without a dead letter (its tokens' bytes are not kept past the fold); now each of its tokens is a LATE_RECORD dead
     * letter naming where it was read, and a late rank-step one with its bytes.
     */
    @Test
    void everyRecordOfAShareArrivingAfterItsStepWindowClosedIsALateRecordDeadLetter() throws Exception {
        RankLoad onTime = LogFixtures.tokenShare("a", 0, 1, T0, 1, 10, 9);
        onTime.sourceTopic = "dp.token-events";
        onTime.tokenPartitions = new int[] {0};
        onTime.tokenOffsets = new long[] {5};
        RankLoad late = LogFixtures.tokenShare("a", 1, 1, T0 + 1, 3, 30, 27);
        late.sourceTopic = "dp.token-events";
        late.tokenPartitions = new int[] {1, 1, 0};
        late.tokenOffsets = new long[] {40, 38, 7};
        RankStep lateStep = LogFixtures.rankStep("a", 2, 1, T0, 4, 400, null, null);
        try (var h = harness()) {
            h.processElement(onTime, T0);
            h.processWatermark(T0 + 500);
            h.processElement(late, T0 + 1);
            h.processElement(RankLoad.of(rankStepInput(lateStep, 12)), T0);

            assertThat(h.extractOutputValues()).singleElement().satisfies(step -> {
                assertThat(step.ranks).extracting(r -> r.rank).containsExactly(0);
                assertThat(step.ranks[0].tokenOffsets)
                        .as("not kept in the open window's state")
                        .isNull();
            });
            assertThat(h.getSideOutput(StepWindowFunction.LATE))
                    .extracting(r -> r.getValue().lateRecords)
                    .containsExactly(3L, 1L);
            assertThat(h.getSideOutput(StepWindowFunction.DEAD_LETTERS))
                    .extracting(r -> r.getValue())
                    .allSatisfy(letter -> assertThat(letter.getReason())
                            .startsWith("LATE_RECORD: ")
                            .contains("at the step window of cluster 'a' step 1"))
                    .extracting(
                            letter -> letter.getSourceTopic(),
                            letter -> letter.getPartition(),
                            letter -> letter.getOffset(),
                            letter -> letter.getPayload().remaining())
                    .containsExactly(
                            org.assertj.core.api.Assertions.tuple("dp.token-events", 1, 40L, 0),
                            org.assertj.core.api.Assertions.tuple("dp.token-events", 1, 38L, 0),
                            org.assertj.core.api.Assertions.tuple("dp.token-events", 0, 7L, 0),
                            org.assertj.core.api.Assertions.tuple(
                                    "dp.rank-steps",
                                    0,
                                    12L,
                                    io.dpbalance.schemas.Codecs.RANK_STEP.encode(lateStep).length));
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }

    private static io.dpbalance.jobs.io.InputRecord<RankStep> rankStepInput(RankStep record, long offset) {
        return io.dpbalance.jobs.io.InputRecord.decoded(
                "dp.rank-steps",
                0,
                offset,
                record.getClusterId(),
                io.dpbalance.schemas.Codecs.RANK_STEP.encode(record),
                record,
                null);
    }
}
