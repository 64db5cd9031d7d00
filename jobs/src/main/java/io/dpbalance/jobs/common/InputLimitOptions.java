package io.dpbalance.jobs.common;

import io.dpbalance.jobs.io.InputLimits;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The input-limit flags both jobs share (a picocli mixin): the bounds of {@link InputLimits}. Each default is far
 * above what a real deployment sends and far below what would hurt the job; docs/reliability.md ("Input limits") says
 * why each.
 */
public final class InputLimitOptions {

    @Option(
            names = "--max-ranks",
            paramLabel = "N",
            defaultValue = "" + InputLimits.DEFAULT_MAX_RANKS,
            description =
                    "Ranks a cluster may have; a record with rank >= N is a dead letter (RANK_OVER_LIMIT) instead of "
                            + "growing the learned roster; also the most ranks --roster (analytics) or --ranks/--cluster (shadow) may "
                            + "configure. Default ${DEFAULT-VALUE} "
                            + "(the largest DP groups run in the hundreds of ranks).")
    int maxRanks;

    @Option(
            names = "--max-tokens",
            paramLabel = "N",
            defaultValue = "" + InputLimits.DEFAULT_MAX_TOKENS,
            description =
                    "Tokens a request may hold (context_tokens, prompt_tokens, output_tokens; a rank-step's running and "
                            + "kv_tokens); more is a dead letter "
                            + "(TOKENS_OVER_LIMIT). Default ${DEFAULT-VALUE} (5x the longest context windows served today, 2M).")
    long maxTokens;

    @Option(
            names = "--max-id-length",
            paramLabel = "CHARS",
            defaultValue = "" + InputLimits.DEFAULT_MAX_ID_LENGTH,
            description =
                    "Characters of cluster_id, request_id and model; longer is a dead letter (ID_TOO_LONG); an empty "
                            + "cluster_id or request_id is one too (EMPTY_CLUSTER_ID, EMPTY_REQUEST_ID). Default ${DEFAULT-VALUE} "
                            + "(a UUID is 36).")
    int maxIdLength;

    @Option(
            names = "--max-key-bytes",
            paramLabel = "BYTES",
            defaultValue = "" + InputLimits.DEFAULT_MAX_KEY_BYTES,
            description =
                    "Bytes of an input record's Kafka key (cluster_id or cluster_id/rank); longer is a dead letter "
                            + "(KEY_TOO_LONG). Default ${DEFAULT-VALUE} (the longest id plus a rank, with room for multi-byte UTF-8).")
    int maxKeyBytes;

    @Option(
            names = "--max-future-skew",
            paramLabel = "DURATION",
            defaultValue = "1h",
            converter = DurationConverter.class,
            description =
                    "How far ahead of the job's wall clock a record's event time may lie; further is a dead letter "
                            + "(EVENT_TIME_IN_FUTURE), so that it cannot drag the watermark ahead and make real records late. "
                            + "Default ${DEFAULT-VALUE} (clock skew between hosts is seconds; an hour still passes a host off by a "
                            + "daylight-saving hour).")
    Duration maxFutureSkew;

    public InputLimits limits() {
        return new InputLimits(maxRanks, maxTokens, maxIdLength, maxKeyBytes, maxFutureSkew);
    }
}
