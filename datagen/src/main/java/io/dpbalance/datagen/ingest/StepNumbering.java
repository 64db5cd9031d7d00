package io.dpbalance.datagen.ingest;

import java.util.HashMap;
import java.util.Map;

/**
 * Gives each observation its {@code RankStep.step}, per {@link LogFormat} (the rules are in its documentation and
 * docs/ingest.md). Stateful for SGLang: it counts each rank's decode lines.
 */
public final class StepNumbering {

    private final LogFormat format;
    private final long interval;
    private final long bucketMillis;
    private final Map<Integer, Long> linesPerRank = new HashMap<>();

    /**
     * @param interval      SGLang's decode_log_interval: decode steps between two lines of a rank
     * @param bucketSeconds vLLM's logging interval: the width of a time bucket
     */
    public StepNumbering(LogFormat format, long interval, double bucketSeconds) {
        if (interval < 1) {
            throw new IllegalArgumentException("--log-interval must be at least 1, not " + interval);
        }
        if (!(bucketSeconds >= 0.001)) {
            throw new IllegalArgumentException("--bucket-seconds must be at least 0.001, not " + bucketSeconds);
        }
        this.format = format;
        this.interval = interval;
        this.bucketMillis = Math.round(bucketSeconds * 1000);
    }

    public long step(LineResult.Observation o) {
        return switch (format) {
            case TRTLLM_STATS -> o.iteration() + 1;
            case SGLANG_LOG -> linesPerRank.merge(o.rank(), 1L, Long::sum) * interval;
            case VLLM_LOG -> Math.floorDiv(o.time().toEpochMilli(), bucketMillis);
        };
    }
}
