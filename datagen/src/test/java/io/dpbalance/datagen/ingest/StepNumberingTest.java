package io.dpbalance.datagen.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** How each format's observations are numbered as steps (docs/ingest.md, "Step numbers"). */
class StepNumberingTest {

    private static LineResult.Observation at(int rank, Long iter, String time) {
        return new LineResult.Observation(rank, iter, Instant.parse(time), 1, 1, null);
    }

    private static StepNumbering.Numbered sample(long step, Long sampledSteps) {
        return new StepNumbering.Numbered(step, sampledSteps);
    }

    @Test
    void sglangLinesOfARankAreEveryIntervalStepsAndStandForTheInterval() {
        StepNumbering n = new StepNumbering(LogFormat.SGLANG_LOG, 40, 5);
        assertThat(n.number(at(0, null, "2026-01-01T00:00:00Z"))).isEqualTo(sample(40, 40L));
        assertThat(n.number(at(1, null, "2026-01-01T00:00:00Z"))).isEqualTo(sample(40, 40L));
        assertThat(n.number(at(0, null, "2026-01-01T00:00:00Z"))).isEqualTo(sample(80, 40L));
        assertThat(n.number(at(1, null, "2026-01-01T00:00:01Z"))).isEqualTo(sample(80, 40L));
    }

    @Test
    void sglangLoggingEveryStepGivesSingleSteps() {
        StepNumbering n = new StepNumbering(LogFormat.SGLANG_LOG, 1, 5);
        assertThat(n.number(at(0, null, "2026-01-01T00:00:00Z"))).isEqualTo(sample(1, null));
        assertThat(n.number(at(0, null, "2026-01-01T00:00:00Z"))).isEqualTo(sample(2, null));
    }

    @Test
    void trtllmIterationsCountFromZeroAndStepsFromOne() {
        assertThat(new StepNumbering(LogFormat.TRTLLM_STATS, 40, 5).number(at(3, 0L, "2026-01-01T00:00:00Z")))
                .isEqualTo(sample(1, null));
    }

    /** Each rank's sample stands for the gap to its own previous iteration; a first line, or a restart, for one. */
    @Test
    void trtllmSamplesStandForTheGapToTheRanksPreviousIteration() {
        StepNumbering n = new StepNumbering(LogFormat.TRTLLM_STATS, 40, 5);
        assertThat(n.number(at(0, 99L, "2026-01-01T00:00:00Z"))).isEqualTo(sample(100, null));
        assertThat(n.number(at(1, 99L, "2026-01-01T00:00:00Z"))).isEqualTo(sample(100, null));
        assertThat(n.number(at(0, 100L, "2026-01-01T00:00:00Z"))).isEqualTo(sample(101, null));
        assertThat(n.number(at(0, 110L, "2026-01-01T00:00:01Z"))).isEqualTo(sample(111, 10L));
        assertThat(n.number(at(1, 110L, "2026-01-01T00:00:01Z"))).isEqualTo(sample(111, 11L));
        assertThat(n.number(at(1, 3L, "2026-01-01T00:00:02Z"))).as("restarted").isEqualTo(sample(4, null));
        assertThat(n.number(at(1, 5L, "2026-01-01T00:00:02Z"))).isEqualTo(sample(6, 2L));
    }

    @Test
    void vllmSamplesAreTimeBucketsSharedByTheEnginesOfOneStepEach() {
        StepNumbering n = new StepNumbering(LogFormat.VLLM_LOG, 40, 5);
        StepNumbering.Numbered a = n.number(at(0, null, "2026-01-01T00:00:10Z"));
        assertThat(a.sampledSteps()).isNull();
        assertThat(n.number(at(1, null, "2026-01-01T00:00:14Z"))).isEqualTo(a);
        assertThat(n.number(at(0, null, "2026-01-01T00:00:15Z"))).isEqualTo(sample(a.step() + 1, null));
    }
}
