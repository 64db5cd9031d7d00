package io.dpbalance.engine.trace;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * The records of a UTF-8 CSV file (RFC 4180, read by Commons CSV): fields split on commas, a field may be quoted with
 * {@code "} and then hold commas, doubled quotes and line breaks. Blank lines are skipped, a byte order mark is
 * dropped, any line ending works.
 */
final class CsvRecords implements Closeable {

    /** Blank lines come through as records, so that every record's first line is known; {@link #next} skips them. */
    private static final CSVFormat FORMAT = CSVFormat.RFC4180
            .builder()
            .setIgnoreEmptyLines(false)
            .setTrailingData(true)
            .get();

    private static final char BYTE_ORDER_MARK = '\uFEFF';

    private final String source;
    private final CSVParser parser;
    private final Iterator<CSVRecord> records;
    private long recordLine;

    private CsvRecords(String source, CSVParser parser) {
        this.source = source;
        this.parser = parser;
        this.records = parser.iterator();
    }

    /** @param source the file name used in error messages */
    static CsvRecords open(Path file, String source) throws IOException {
        BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        try {
            reader.mark(1);
            if (reader.read() != BYTE_ORDER_MARK) {
                reader.reset();
            }
            return new CsvRecords(
                    source,
                    CSVParser.builder().setReader(reader).setFormat(FORMAT).get());
        } catch (IOException | RuntimeException e) {
            reader.close();
            throw e;
        }
    }

    /** The fields of the next record, or null at the end of the file. */
    List<String> next() throws IOException {
        while (true) {
            // A record starts on the line after the last one its predecessor ended on.
            recordLine = parser.getCurrentLineNumber() + 1;
            CSVRecord record;
            try {
                if (!records.hasNext()) {
                    return null;
                }
                record = records.next();
            } catch (UncheckedIOException e) {
                if (e.getCause().getMessage() != null
                        && e.getCause().getMessage().contains("EOF reached")) {
                    throw new WorkloadException(source + ":" + recordLine
                            + ": unterminated quoted field: expected a closing '\"' before the end of the file");
                }
                throw e.getCause();
            }
            if (record.size() > 1 || !record.get(0).isBlank()) {
                return record.toList();
            }
        }
    }

    /** The line the record last returned starts on. */
    long recordLine() {
        return recordLine;
    }

    @Override
    public void close() throws IOException {
        parser.close();
    }
}
