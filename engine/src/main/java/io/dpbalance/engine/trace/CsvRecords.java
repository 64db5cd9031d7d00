package io.dpbalance.engine.trace;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The records of a CSV file (RFC 4180): fields split on commas, a field may be quoted with {@code "} and then hold
 * commas, doubled quotes and line breaks. Blank lines are skipped.
 */
final class CsvRecords implements Closeable {

    private final String source;
    private final NumberedLines lines;
    private long recordLine;

    private CsvRecords(String source, NumberedLines lines) {
        this.source = source;
        this.lines = lines;
    }

    /** @param source the file name used in error messages */
    static CsvRecords open(Path file, String source) throws IOException {
        return new CsvRecords(source, NumberedLines.open(file));
    }

    /** The fields of the next record, or null at the end of the file. */
    List<String> next() throws IOException {
        String line = lines.nextNonBlank();
        if (line == null) {
            return null;
        }
        recordLine = lines.number();
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean inQuotes = false;
        int i = 0;
        while (true) {
            if (i == line.length()) {
                if (!inQuotes) {
                    fields.add(field.toString());
                    return fields;
                }
                line = lines.next();
                if (line == null) {
                    throw new WorkloadException(source + ":" + recordLine
                            + ": unterminated quoted field: expected a closing '\"' before the end of the file");
                }
                field.append('\n');
                i = 0;
                continue;
            }
            char c = line.charAt(i++);
            if (inQuotes) {
                if (c != '"') {
                    field.append(c);
                } else if (i < line.length() && line.charAt(i) == '"') {
                    field.append('"');
                    i++;
                } else {
                    inQuotes = false;
                }
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
            } else if (c == '"' && field.length() == 0) {
                inQuotes = true;
            } else {
                field.append(c);
            }
        }
    }

    /** The line the record last returned starts on. */
    long recordLine() {
        return recordLine;
    }

    @Override
    public void close() throws IOException {
        lines.close();
    }
}
