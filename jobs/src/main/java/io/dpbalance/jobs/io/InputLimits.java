package io.dpbalance.jobs.io;

import java.io.Serializable;
import java.time.Duration;

/**
 * The bounds every input record of both jobs must keep, whatever its producer sent: one place for the analytics job's
 * {@code LogRecordChecks} and the shadow job's {@code ArrivalChecks}, set by the flags of {@link io.dpbalance.jobs.common.InputLimitOptions}.
 * A record outside a bound is a dead letter with the bound's own reason code, never state: without the bounds one
 * token event with rank 1e8 made the analytics job learn a roster of 1e8 ranks, one request with 1e8 output tokens
 * stalled the shadow job, and a request stamped in year 2100 pushed the shadow's event-time clock so far ahead that
 * real requests came "late". See docs/reliability.md, "Input limits".
 *
 * @param maxRanks ranks a cluster may have: a rank at or above it is {@link #RANK_OVER_LIMIT}
 * @param maxTokens tokens a request may hold (context, prompt or output): more is {@link #TOKENS_OVER_LIMIT}
 * @param maxIdLength characters of an identifier ({@code cluster_id}, {@code request_id}, {@code model}): more is
 *     {@link #ID_TOO_LONG}
 * @param maxKeyBytes bytes of a Kafka record key: more is {@link #KEY_TOO_LONG}
 * @param maxFutureSkew how far ahead of the job's wall clock a record's event time may lie: further is
 *     {@link #EVENT_TIME_IN_FUTURE}
 */
public record InputLimits(int maxRanks, long maxTokens, int maxIdLength, int maxKeyBytes, Duration maxFutureSkew)
        implements Serializable {

    public static final String RANK_OVER_LIMIT = "RANK_OVER_LIMIT";
    public static final String TOKENS_OVER_LIMIT = "TOKENS_OVER_LIMIT";
    public static final String ID_TOO_LONG = "ID_TOO_LONG";
    public static final String KEY_TOO_LONG = "KEY_TOO_LONG";
    public static final String EMPTY_CLUSTER_ID = "EMPTY_CLUSTER_ID";
    public static final String EMPTY_REQUEST_ID = "EMPTY_REQUEST_ID";
    public static final String EVENT_TIME_IN_FUTURE = "EVENT_TIME_IN_FUTURE";

    /** The defaults of the flags; {@link io.dpbalance.jobs.common.InputLimitOptions} says why each. */
    public static final int DEFAULT_MAX_RANKS = 4096;

    public static final long DEFAULT_MAX_TOKENS = 10_000_000L;
    public static final int DEFAULT_MAX_ID_LENGTH = 256;
    public static final int DEFAULT_MAX_KEY_BYTES = 1024;
    public static final Duration DEFAULT_MAX_FUTURE_SKEW = Duration.ofHours(1);

    public InputLimits {
        require("--max-ranks", maxRanks >= 1, maxRanks);
        require("--max-tokens", maxTokens >= 1, maxTokens);
        require("--max-id-length", maxIdLength >= 1, maxIdLength);
        require("--max-key-bytes", maxKeyBytes >= 1, maxKeyBytes);
        if (maxFutureSkew == null || maxFutureSkew.isNegative()) {
            throw new IllegalArgumentException("--max-future-skew must be >= 0, got " + maxFutureSkew);
        }
    }

    public static InputLimits defaults() {
        return new InputLimits(
                DEFAULT_MAX_RANKS,
                DEFAULT_MAX_TOKENS,
                DEFAULT_MAX_ID_LENGTH,
                DEFAULT_MAX_KEY_BYTES,
                DEFAULT_MAX_FUTURE_SKEW);
    }

    /** @return null, or why a rank is not in 0..maxRanks-1 (below 0 is the caller's own reason) */
    public String rankProblem(long rank) {
        return rank >= maxRanks ? RANK_OVER_LIMIT + ": rank " + rank + " >= --max-ranks " + maxRanks : null;
    }

    /** @return null, or why a token count is over the limit */
    public String tokensProblem(String field, long tokens) {
        return tokens > maxTokens
                ? TOKENS_OVER_LIMIT + ": " + field + " " + tokens + " > --max-tokens " + maxTokens
                : null;
    }

    /** @return null, or why a cluster id is empty or too long */
    public String clusterIdProblem(CharSequence clusterId) {
        if (clusterId == null || clusterId.isEmpty()) {
            return EMPTY_CLUSTER_ID + ": empty cluster_id";
        }
        return idProblem("cluster_id", clusterId);
    }

    /** @return null, or why a request id is empty or too long */
    public String requestIdProblem(CharSequence requestId) {
        if (requestId == null || requestId.isEmpty()) {
            return EMPTY_REQUEST_ID + ": empty request_id";
        }
        return idProblem("request_id", requestId);
    }

    /** @return null, or why an identifier is too long (its start is not quoted: it may be anything) */
    public String idProblem(String field, CharSequence id) {
        return id != null && id.length() > maxIdLength
                ? ID_TOO_LONG + ": " + field + " of " + id.length() + " characters > --max-id-length " + maxIdLength
                : null;
    }

    /** @return null, or why a record key is too long */
    public String keyProblem(byte[] key) {
        return key != null && key.length > maxKeyBytes
                ? KEY_TOO_LONG + ": key of " + key.length + " bytes > --max-key-bytes " + maxKeyBytes
                : null;
    }

    /**
     * @param eventMillis the record's event time, epoch milliseconds
     * @param nowMillis the job's wall clock
     * @return null, or why the event time lies too far in the future
     */
    public String eventTimeProblem(String field, long eventMillis, long nowMillis) {
        long skew = eventMillis - nowMillis;
        return skew > maxFutureSkew.toMillis()
                ? EVENT_TIME_IN_FUTURE + ": " + field + " " + eventMillis + " is " + Duration.ofMillis(skew)
                        + " ahead of the job's clock " + nowMillis + ", > --max-future-skew " + maxFutureSkew
                : null;
    }

    private static void require(String flag, boolean ok, long value) {
        if (!ok) {
            throw new IllegalArgumentException(flag + " must be >= 1, got " + value);
        }
    }
}
