package io.dpbalance.datagen.ingest;

import java.util.HashMap;
import java.util.Map;

/**
 * Gives each observation its {@code RankStep.step} and {@code RankStep.sampled_steps} (the decode steps the sample
 * stands for), per {@link LogFormat} (the rules are in its documentation and docs/ingest.md):
 * <ul>
 *   <li>{@code sglang-log}: the k-th decode line of a rank is step {@code k * interval} and stands for
 *       {@code interval} steps (SGLang logs every {@code decode_log_interval} decode steps);</li>
 *   <li>{@code trtllm-stats}: {@code iter + 1}, standing for the gap to the rank's previous {@code iter} (null, one
 *       step, for a rank's first line or when {@code iter} did not grow: a restarted server);</li>
 *   <li>{@code vllm-log}: the time bucket; null (one step per bucket): vLLM logs by time, and no line says how many
 *       steps passed.</li>
 * </ul>
 * Stateful for SGLang and TensorRT-LLM: it remembers each rank's lines.
 */
public final class StepNumbering {

    /**
     * A numbered observation.
     *
     * @param step         the RankStep's step
     * @param sampledSteps the steps it stands for (at least 1, at most {@code step}), null for one step
     */
    public record Numbered(long step, Long sampledSteps) {}

    private final LogFormat format;
    private final long interval;
    private final long bucketMillis;
    private final Map<Integer, Long> linesPerRank = new HashMap<>();
    private final Map<Integer, Long> lastIteration = new HashMap<>();

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

    public Numbered number(LineResult.Observation o) {
        return switch (format) {
            case TRTLLM_STATS -> {
                Long previous = lastIteration.put(o.rank(), o.iteration());
                long gap = previous == null ? 0 : o.iteration() - previous;
                yield new Numbered(o.iteration() + 1, gap > 1 ? gap : null);
            }
            case SGLANG_LOG ->
                new Numbered(linesPerRank.merge(o.rank(), 1L, Long::sum) * interval, interval > 1 ? interval : null);
            case VLLM_LOG -> new Numbered(Math.floorDiv(o.time().toEpochMilli(), bucketMillis), null);
        };
    }
}
