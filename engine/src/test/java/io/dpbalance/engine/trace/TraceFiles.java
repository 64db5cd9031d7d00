package io.dpbalance.engine.trace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Fixture files for the reader tests. */
final class TraceFiles {

    private TraceFiles() {}

    /** Writes the lines, each ended by {@code \n}, as UTF-8. */
    static Path write(Path dir, String name, String... lines) {
        return writeRaw(dir, name, String.join("\n", lines) + "\n");
    }

    static Path writeRaw(Path dir, String name, String content) {
        try {
            return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
