package io.dpbalance.engine.trace;

import io.dpbalance.engine.model.Request;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects the rows of one file in file order, applies the read options (limit, skipping, time scale) and makes the
 * {@link Workload}. Timestamps are kept as integer nanoseconds until the end so that subtracting the earliest one
 * loses no digits.
 */
final class WorkloadBuilder {

    private record Row(String id, long timestampNanos, int promptTokens, int outputTokens) {}

    private final String source;
    private final WorkloadFormat format;
    private final boolean timed;
    private final ReadOptions options;
    private final List<Row> rows = new ArrayList<>();
    private final Map<String, Integer> skipReasons = new LinkedHashMap<>();
    private long earliestNanos = Long.MAX_VALUE;

    WorkloadBuilder(String source, WorkloadFormat format, boolean timed, ReadOptions options) {
        this.source = source;
        this.format = format;
        this.timed = timed;
        this.options = options;
    }

    /** Whether the request limit is reached: the reader stops reading here. */
    boolean isFull() {
        return rows.size() >= options.limit();
    }

    /** @param timestampNanos time in nanoseconds on the file's clock; ignored for untimed formats */
    void add(String id, long timestampNanos, int promptTokens, int outputTokens) {
        rows.add(new Row(id, timestampNanos, promptTokens, outputTokens));
        earliestNanos = Math.min(earliestNanos, timestampNanos);
    }

    /** Skips a row whatever the options say (such as a failed BurstGPT request), counting it. */
    void skip(String reason) {
        skipReasons.merge(reason, 1, Integer::sum);
    }

    /** Fails on a malformed row or, when invalid rows are skipped, counts it. */
    void invalid(long line, InvalidRowException invalidRow) {
        if (!options.skipInvalid()) {
            throw new WorkloadException(source + ":" + line + ": " + invalidRow.getMessage());
        }
        skip(invalidRow.reason());
    }

    Workload build() {
        if (rows.isEmpty()) {
            throw new WorkloadException(source + ": no requests"
                    + (skipReasons.isEmpty() ? "" : "; skipped rows by reason: " + skipReasons));
        }
        List<Request> requests = new ArrayList<>(rows.size());
        for (Row row : rows) {
            double arrival = timed ? (row.timestampNanos - earliestNanos) / 1e9 * options.timeScale() : 0.0;
            requests.add(new Request(row.id, requests.size(), arrival, row.promptTokens, row.outputTokens));
        }
        return new Workload(source, format, timed, requests, skipReasons);
    }
}
