package io.dpbalance.engine.trace;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The lines of a UTF-8 text file with their 1-based numbers; a byte order mark is dropped, any line ending works. */
final class NumberedLines implements Closeable {

    private static final char BYTE_ORDER_MARK = '\uFEFF';

    private final BufferedReader reader;
    private long number;

    private NumberedLines(BufferedReader reader) {
        this.reader = reader;
    }

    static NumberedLines open(Path file) throws IOException {
        return new NumberedLines(Files.newBufferedReader(file, StandardCharsets.UTF_8));
    }

    /** The next line without its ending, or null at the end of the file. */
    String next() throws IOException {
        String line = reader.readLine();
        if (line == null) {
            return null;
        }
        number++;
        if (number == 1 && !line.isEmpty() && line.charAt(0) == BYTE_ORDER_MARK) {
            return line.substring(1);
        }
        return line;
    }

    /** The next line that is not blank, or null at the end of the file. */
    String nextNonBlank() throws IOException {
        String line = next();
        while (line != null && line.isBlank()) {
            line = next();
        }
        return line;
    }

    /** The number of the line last returned. */
    long number() {
        return number;
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
