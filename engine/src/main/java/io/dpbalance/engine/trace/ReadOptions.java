package io.dpbalance.engine.trace;

/**
 * How {@link WorkloadReader} reads a file.
 *
 * @param skipInvalid skip malformed rows, counting them by reason, instead of failing on the first one
 * @param timeScale   factor on arrival times, {@code arrival = (t - t0) * timeScale} with {@code t0} the earliest
 *                    timestamp read: 2 stretches the trace to half the load, 0.5 compresses it to double the load
 * @param limit       the most requests to read, in file order; reading stops there
 */
public record ReadOptions(boolean skipInvalid, double timeScale, long limit) {

    public static final long UNLIMITED = Long.MAX_VALUE;

    public ReadOptions {
        if (!(timeScale > 0) || Double.isInfinite(timeScale)) {
            throw new IllegalArgumentException("time scale must be a finite number > 0, got " + timeScale);
        }
        if (limit < 1) {
            throw new IllegalArgumentException("request limit must be >= 1, got " + limit);
        }
    }

    /** Fail on the first malformed row, keep times as they are, read every request. */
    public static ReadOptions defaults() {
        return new ReadOptions(false, 1.0, UNLIMITED);
    }

    public ReadOptions withSkipInvalid(boolean skip) {
        return new ReadOptions(skip, timeScale, limit);
    }

    public ReadOptions withTimeScale(double scale) {
        return new ReadOptions(skipInvalid, scale, limit);
    }

    public ReadOptions withLimit(long maxRequests) {
        return new ReadOptions(skipInvalid, timeScale, maxRequests);
    }
}
