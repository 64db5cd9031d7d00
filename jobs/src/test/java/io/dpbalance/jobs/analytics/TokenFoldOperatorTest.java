package io.dpbalance.jobs.analytics;

import static io.dpbalance.jobs.analytics.LogFixtures.T0;
import static io.dpbalance.jobs.analytics.LogFixtures.requestToken;
import static io.dpbalance.jobs.analytics.LogFixtures.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class TokenFoldOperatorTest {

    private static OneInputStreamOperatorTestHarness<RequestToken, RankLoad> harness() throws Exception {
        var h = new OneInputStreamOperatorTestHarness<>(new TokenFoldOperator());
        h.open();
        return h;
    }

    private static void feed(OneInputStreamOperatorTestHarness<RequestToken, RankLoad> h, RequestToken token)
            throws Exception {
        h.processElement(token, token.time());
    }

    @Test
    void foldsEachRanksTokensAndEmitsTheSharesAheadOfTheWatermark() throws Exception {
        try (var h = harness()) {
            feed(h, requestToken(token("a", 0, 1, "r1", T0 + 2, 10, false), 0));
            feed(h, requestToken(token("a", 0, 1, "r2", T0, 5, false), 1));
            feed(h, requestToken(token("a", 0, 1, "r3", T0 + 1, 7, true), 2));
            feed(h, requestToken(token("a", 1, 1, "r4", T0, 4, false), 3));
            assertThat(h.getOutput()).isEmpty();

            h.processWatermark(T0 + 2);

            List<Object> output = List.copyOf(h.getOutput());
            assertThat(output).hasSize(3);
            assertThat(output.get(2)).isEqualTo(new Watermark(T0 + 2));
            assertThat(h.extractOutputValues())
                    .extracting(
                            load -> load.rank,
                            load -> load.running,
                            load -> load.kvTokens,
                            load -> load.enteringTokens,
                            load -> load.records,
                            load -> load.time)
                    .containsExactlyInAnyOrder(
                            // the final token's request leaves at the end of the step: 10 + 5, not 7; entering 9 + 4 +
                            // 6
                            tuple(0, 3, 15L, 19L, 3L, T0), tuple(1, 1, 4L, 3L, 1L, T0));
            assertThat(h.extractOutputStreamRecords())
                    .extracting(StreamRecord::getTimestamp)
                    .containsOnly(T0);
        }
    }

    /** A share says where each of its tokens was read, for their dead letters should it reach a closed step window. */
    @Test
    void aShareCarriesWhereEachOfItsTokensWasRead() throws Exception {
        try (var h = harness()) {
            for (int i = 0; i < 9; i++) {
                feed(h, requestToken(token("a", 0, 1, "r" + i, T0 + i, 10, false), 100 - i));
            }
            feed(h, requestToken(token("a", 1, 1, "s", T0, 10, false), 7));
            h.processWatermark(T0 + 10);

            assertThat(h.extractOutputValues())
                    .satisfiesExactlyInAnyOrder(
                            load -> {
                                assertThat(load.rank).isZero();
                                assertThat(load.sourceTopic).isEqualTo("dp.token-events");
                                assertThat(load.tokenOffsets).containsExactly(100, 99, 98, 97, 96, 95, 94, 93, 92);
                                assertThat(load.tokenPartitions).hasSize(9).containsOnly(0);
                            },
                            load -> assertThat(load.tokenOffsets).containsExactly(7));
        }
    }

    @Test
    void emitsWhatItHoldsBeforeACheckpointBarrierSoThatItKeepsNoState() throws Exception {
        try (var h = harness()) {
            feed(h, requestToken(token("a", 0, 1, "r1", T0, 10, false), 0));
            h.prepareSnapshotPreBarrier(1L);

            assertThat(h.extractOutputValues())
                    .singleElement()
                    .satisfies(load -> assertThat(load.running).isEqualTo(1));
            assertThat(h.snapshot(1L, T0).getManagedOperatorState()).isEmpty();
        }
    }

    @Test
    void emitsWhenItHoldsTheMostSharesItKeeps() throws Exception {
        try (var h = harness()) {
            for (int step = 1; step <= TokenFoldOperator.MAX_SHARES; step++) {
                feed(h, requestToken(token("a", 0, step, "r1", T0 + step, 10, false), step));
            }

            assertThat(h.extractOutputValues()).hasSize(TokenFoldOperator.MAX_SHARES);
        }
    }
}
