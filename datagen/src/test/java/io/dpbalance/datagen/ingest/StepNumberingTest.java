package io.dpbalance.datagen.ingest;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** How each format's observations are numbered as steps (docs/ingest.md, "Step numbers"). */
class StepNumberingTest {

    private static LineResult.Observation at(int rank, Long iter, String time) {
        return new LineResult.Observation(rank, iter, Instant.parse(time), 1, 1, null);
    }

    @Test
    void sglangLinesOfARankAreEveryIntervalSteps() {
        StepNumbering n = new StepNumbering(LogFormat.SGLANG_LOG, 40, 5);
        assertThat(n.step(at(0, null, "2026-01-01T00:00:00Z"))).isEqualTo(40);
        assertThat(n.step(at(1, null, "2026-01-01T00:00:00Z"))).isEqualTo(40);
        assertThat(n.step(at(0, null, "2026-01-01T00:00:00Z"))).isEqualTo(80);
        assertThat(n.step(at(1, null, "2026-01-01T00:00:01Z"))).isEqualTo(80);
    }

    @Test
    void trtllmIterationsCountFromZeroAndStepsFromOne() {
        assertThat(new StepNumbering(LogFormat.TRTLLM_STATS, 40, 5).step(at(3, 0L, "2026-01-01T00:00:00Z")))
                .isEqualTo(1);
    }

    @Test
    void vllmSamplesAreTimeBucketsSharedByTheEngines() {
        StepNumbering n = new StepNumbering(LogFormat.VLLM_LOG, 40, 5);
        long a = n.step(at(0, null, "2026-01-01T00:00:10Z"));
        assertThat(n.step(at(1, null, "2026-01-01T00:00:14Z"))).isEqualTo(a);
        assertThat(n.step(at(0, null, "2026-01-01T00:00:15Z"))).isEqualTo(a + 1);
    }
}
