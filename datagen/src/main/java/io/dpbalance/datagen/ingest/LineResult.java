package io.dpbalance.datagen.ingest;

import java.time.Instant;

/**
 * What a format's parser made of one log line: an {@link Observation} of one rank, a line that is not a decode
 * observation at all (skipped: HTTP access lines, prefill lines, other log output) or a line that looks like one but
 * cannot be read (rejected: garbage, truncated, out of range). Skipped and rejected lines carry an upper-case reason.
 */
public record LineResult(Kind kind, Observation observation, String reason, String detail) {

    public enum Kind {
        OBSERVATION,
        SKIPPED,
        REJECTED
    }

    /** The reason of every skipped line that is simply not a decode observation. */
    public static final String NOT_DECODE = "NOT_DECODE_LINE";

    public static LineResult of(Observation observation) {
        return new LineResult(Kind.OBSERVATION, observation, null, null);
    }

    public static LineResult skipped(String reason) {
        return new LineResult(Kind.SKIPPED, null, reason, null);
    }

    public static LineResult rejected(String reason, String detail) {
        return new LineResult(Kind.REJECTED, null, reason, detail);
    }

    /** The dead letter's reason text: the code, then ': ' and the detail when there is one. */
    public String reasonText() {
        return detail == null ? reason : reason + ": " + detail;
    }

    /**
     * One rank's state as a log line reports it.
     *
     * @param rank       DP rank (0 when the log has no DP tag)
     * @param iteration  the engine's own iteration number when the format has one (TensorRT-LLM's {@code iter}),
     *                   else null
     * @param time       when the line was logged (to the log's precision)
     * @param running    running (decoding) requests on the rank
     * @param kvTokens   resident KV tokens on the rank
     * @param stepMicros the iteration's duration when the format gives it, else null
     */
    public record Observation(int rank, Long iteration, Instant time, int running, long kvTokens, Long stepMicros) {}
}
