package io.dpbalance.engine.trace;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * The records of a UTF-8 CSV file (RFC 4180, read by Commons CSV): fields split on commas, a field may be quoted with
 * {@code "} and then hold commas, doubled quotes and line breaks. Blank lines are skipped, a byte order mark is
 * dropped, any line ending works.
 *
 * <p>A plain file -- ASCII, no quote, every line ended by {@code \n} or {@code \r\n} (or the file's end), at most {@link #PLAIN_LIMIT}
 * bytes: the traces this project ships and the ones it is measured on -- is split on commas and line ends by
 * {@link Plain}, which yields the same records and line numbers as Commons CSV does for such a file in a fraction of a
 * fresh JVM's time (docs/measurements.md, "Fresh-JVM simulate"); any other file goes to Commons CSV.
 */
final class CsvRecords implements Closeable {

    /** Blank lines come through as records, so that every record's first line is known; {@link #next} skips them. */
    private static final CSVFormat FORMAT = CSVFormat.RFC4180
            .builder()
            .setIgnoreEmptyLines(false)
            .setTrailingData(true)
            .get();

    private static final char BYTE_ORDER_MARK = '\uFEFF';

    /** Files up to this size are read whole and, when plain, split without Commons CSV. */
    static final long PLAIN_LIMIT = 64L << 20;

    private final String source;
    private final CSVParser parser;
    private final Iterator<CSVRecord> records;
    private final Plain plain;
    private long recordLine;

    private CsvRecords(String source, CSVParser parser, Plain plain) {
        this.source = source;
        this.parser = parser;
        this.records = parser == null ? null : parser.iterator();
        this.plain = plain;
    }

    /** @param source the file name used in error messages */
    static CsvRecords open(Path file, String source) throws IOException {
        Plain plain = Files.size(file) <= PLAIN_LIMIT ? Plain.of(Files.readAllBytes(file)) : null;
        if (plain != null) {
            return new CsvRecords(source, null, plain);
        }
        return openCommons(file, source);
    }

    /** The general reader, Commons CSV, whatever the file holds; {@link #open} uses it for files that are not plain. */
    static CsvRecords openCommons(Path file, String source) throws IOException {
        BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        try {
            reader.mark(1);
            if (reader.read() != BYTE_ORDER_MARK) {
                reader.reset();
            }
            return new CsvRecords(
                    source,
                    CSVParser.builder().setReader(reader).setFormat(FORMAT).get(),
                    null);
        } catch (IOException | RuntimeException e) {
            reader.close();
            throw e;
        }
    }

    /** The fields of the next record, or null at the end of the file. */
    List<String> next() throws IOException {
        if (plain != null) {
            List<String> fields = plain.next();
            recordLine = plain.line;
            return fields;
        }
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
        if (parser != null) {
            parser.close();
        }
    }

    /**
     * The records of a plain file held in memory: one record a line, fields split on every comma, no quoting; a
     * line of one blank field is skipped, as {@link #next} does with Commons CSV's records.
     */
    static final class Plain {

        private final byte[] bytes;
        private int pos;
        /** The line of the record last returned, counting from 1; at the end, the line after the last. */
        private long line;

        private Plain(byte[] bytes, int start) {
            this.bytes = bytes;
            this.pos = start;
        }

        /**
         * The records of {@code bytes}, or null when the file is not plain: a byte outside ASCII (but a leading
         * UTF-8 byte order mark), a quote or a carriage return not followed by a line feed.
         */
        static Plain of(byte[] bytes) {
            int start =
                    bytes.length >= 3 && bytes[0] == (byte) 0xEF && bytes[1] == (byte) 0xBB && bytes[2] == (byte) 0xBF
                            ? 3
                            : 0;
            for (int i = start; i < bytes.length; i++) {
                byte b = bytes[i];
                if (b < 0 || b == '"' || (b == '\r' && (i + 1 == bytes.length || bytes[i + 1] != '\n'))) {
                    return null;
                }
            }
            return new Plain(bytes, start);
        }

        List<String> next() {
            while (pos < bytes.length) {
                line++;
                int end = pos;
                while (end < bytes.length && bytes[end] != '\n') {
                    end++;
                }
                int next = end + 1;
                if (end > pos && bytes[end - 1] == '\r') {
                    end--;
                }
                List<String> fields = split(pos, end);
                pos = next;
                if (fields.size() > 1 || !fields.get(0).isBlank()) {
                    return fields;
                }
            }
            line++;
            return null;
        }

        private List<String> split(int from, int to) {
            List<String> fields = new ArrayList<>(4);
            int start = from;
            for (int i = from; i < to; i++) {
                if (bytes[i] == ',') {
                    fields.add(new String(bytes, start, i - start, StandardCharsets.ISO_8859_1));
                    start = i + 1;
                }
            }
            fields.add(new String(bytes, start, to - start, StandardCharsets.ISO_8859_1));
            return Collections.unmodifiableList(fields);
        }
    }
}
