package io.dpbalance.engine.trace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Fixture files for the reader tests, and the real trace under {@code ../shared}. */
final class TraceFiles {

    static final String AZURE_CONV_TRACE = "shared/data/azure-llm-2023/AzureLLMInferenceTrace_conv.csv";

    private TraceFiles() {
    }

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

    /** The real Azure 2023 conversation trace, found from the working directory upwards; null if absent. */
    static Path azureConversationTrace() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(AZURE_CONV_TRACE);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
