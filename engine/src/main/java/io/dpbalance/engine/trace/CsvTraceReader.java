package io.dpbalance.engine.trace;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToLongFunction;

/** Reads the CSV traces, Azure and BurstGPT: one request a row, its three columns found by header name. */
final class CsvTraceReader {

    /** Where a CSV trace keeps a request's fields and how it writes them. */
    enum Layout {
        AZURE(
                WorkloadFormat.AZURE,
                "TIMESTAMP",
                "ContextTokens",
                "GeneratedTokens",
                "a date-time like 2023-11-16 18:15:46.6805900",
                Timestamps::dateTimeNanos,
                false),
        BURSTGPT(
                WorkloadFormat.BURSTGPT,
                "Timestamp",
                "Request tokens",
                "Response tokens",
                "a number of seconds >= 0",
                text -> Timestamps.decimalNanos(text, Timestamps.SECONDS),
                true);

        static final String FAILED_REQUEST = "failed request (0 response tokens)";

        private final WorkloadFormat format;
        private final String timestampColumn;
        private final String promptColumn;
        private final String outputColumn;
        private final String timestampExpectation;
        private final ToLongFunction<String> timestampNanos;
        private final boolean zeroOutputIsFailure;

        Layout(
                WorkloadFormat format,
                String timestampColumn,
                String promptColumn,
                String outputColumn,
                String timestampExpectation,
                ToLongFunction<String> timestampNanos,
                boolean zeroOutputIsFailure) {
            this.format = format;
            this.timestampColumn = timestampColumn;
            this.promptColumn = promptColumn;
            this.outputColumn = outputColumn;
            this.timestampExpectation = timestampExpectation;
            this.timestampNanos = timestampNanos;
            this.zeroOutputIsFailure = zeroOutputIsFailure;
        }

        boolean matches(List<String> header) {
            return indexOf(header, timestampColumn) >= 0
                    && indexOf(header, promptColumn) >= 0
                    && indexOf(header, outputColumn) >= 0;
        }

        WorkloadFormat format() {
            return format;
        }

        String columns() {
            return timestampColumn + ", " + promptColumn + ", " + outputColumn;
        }
    }

    private CsvTraceReader() {}

    static Workload read(Path file, String source, Layout layout, ReadOptions options) throws IOException {
        try (CsvRecords csv = CsvRecords.open(file, source)) {
            List<String> header = csv.next();
            if (header == null) {
                throw new WorkloadException(source + ": empty file, expected a CSV header with " + layout.columns());
            }
            int timestampIndex = requireColumn(source, csv, header, layout.timestampColumn);
            int promptIndex = requireColumn(source, csv, header, layout.promptColumn);
            int outputIndex = requireColumn(source, csv, header, layout.outputColumn);
            String idPrefix = layout.format.cliName() + "-";

            WorkloadBuilder workload = new WorkloadBuilder(source, layout.format, true, options);
            List<String> fields;
            while (!workload.isFull() && (fields = csv.next()) != null) {
                try {
                    if (fields.size() < header.size()) {
                        String expected = "expected " + header.size() + " columns as in the header";
                        throw new InvalidRowException(expected, expected + ", got " + fields.size());
                    }
                    long timestamp = timestamp(layout, fields.get(timestampIndex));
                    int prompt = tokens(layout.promptColumn, fields.get(promptIndex));
                    int output = tokens(layout.outputColumn, fields.get(outputIndex));
                    if (output == 0 && layout.zeroOutputIsFailure) {
                        workload.skip(Layout.FAILED_REQUEST);
                    } else {
                        workload.add(
                                // concat: one copy, where a StringBuilder grows and copies again (a fresh JVM
                                // makes 19,366 of these ids interpreted, docs/measurements.md "Fresh-JVM simulate")
                                idPrefix.concat(Long.toString(csv.recordLine())),
                                timestamp,
                                positive(layout.promptColumn, prompt),
                                positive(layout.outputColumn, output));
                    }
                } catch (InvalidRowException e) {
                    workload.invalid(csv.recordLine(), e);
                }
            }
            return workload.build();
        }
    }

    static int indexOf(List<String> header, String column) {
        for (int i = 0; i < header.size(); i++) {
            if (header.get(i).trim().equals(column)) {
                return i;
            }
        }
        return -1;
    }

    private static int requireColumn(String source, CsvRecords csv, List<String> header, String column) {
        int index = indexOf(header, column);
        if (index < 0) {
            throw new WorkloadException(
                    source + ":" + csv.recordLine() + ": missing column '" + column + "'; the header has " + header);
        }
        return index;
    }

    private static long timestamp(Layout layout, String text) throws InvalidRowException {
        try {
            return layout.timestampNanos.applyAsLong(text);
        } catch (IllegalArgumentException e) {
            throw InvalidRowException.got(layout.timestampColumn + ": expected " + layout.timestampExpectation, text);
        }
    }

    private static int tokens(String column, String text) throws InvalidRowException {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw InvalidRowException.got(tokensExpectation(column), text);
        }
    }

    private static int positive(String column, int tokens) throws InvalidRowException {
        if (tokens <= 0) {
            throw InvalidRowException.got(tokensExpectation(column), Integer.toString(tokens));
        }
        return tokens;
    }

    private static String tokensExpectation(String column) {
        return column + ": expected an integer > 0";
    }
}
