package io.dpbalance.datagen.ingest;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The server logs {@code ingest} reads, and how each numbers its samples as {@code RankStep.step}
 * (docs/ingest.md, "Step numbers"):
 * <ul>
 *   <li>{@code sglang-log}: the k-th decode line of a rank is step {@code k * interval} (SGLang writes one line per DP
 *       rank every {@code decode_log_interval} decode steps, the ranks in lock-step; its stamps are whole seconds,
 *       too coarse to tell two samples ~40 steps apart);</li>
 *   <li>{@code trtllm-stats}: {@code iter + 1} (TensorRT-LLM numbers iterations from 0, RankSteps from 1);</li>
 *   <li>{@code vllm-log}: the time bucket {@code floor(epoch seconds / bucket)} (vLLM logs every few seconds per
 *       engine, not at a step count): aligned across ranks by construction.</li>
 * </ul>
 */
public enum LogFormat {
    SGLANG_LOG,
    TRTLLM_STATS,
    VLLM_LOG;

    /** As on the command line: {@code sglang-log}, {@code trtllm-stats}, {@code vllm-log}. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static LogFormat parse(String text) {
        for (LogFormat f : values()) {
            if (f.cliName().equals(text)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown log format '" + text + "': expected one of "
                + Arrays.stream(values()).map(LogFormat::cliName).collect(Collectors.joining(", ")));
    }

    public LineParser parser(IngestSettings settings) {
        return switch (this) {
            case SGLANG_LOG -> new SglangLogParser(settings);
            case TRTLLM_STATS -> new TrtllmStatsParser(settings);
            case VLLM_LOG -> new VllmLogParser(settings);
        };
    }
}
