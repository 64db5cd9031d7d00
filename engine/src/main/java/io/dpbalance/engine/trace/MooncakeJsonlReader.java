package io.dpbalance.engine.trace;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads a Mooncake trace: one JSON object a line with {@code timestamp} (ms), {@code input_length} and
 * {@code output_length}. Each line is parsed on its own, so a bad line is reported with its number and can be
 * skipped without losing the lines after it.
 */
final class MooncakeJsonlReader {

    private MooncakeJsonlReader() {}

    static Workload read(Path file, String source, ReadOptions options) throws IOException {
        WorkloadBuilder workload = new WorkloadBuilder(source, WorkloadFormat.MOONCAKE, true, options);
        try (NumberedLines lines = NumberedLines.open(file)) {
            String line;
            while (!workload.isFull() && (line = lines.nextNonBlank()) != null) {
                try {
                    JsonRequestObject request = parseLine(line);
                    workload.add(
                            "mooncake-" + lines.number(),
                            request.timestampNanos(),
                            request.promptTokens(),
                            request.outputTokens());
                } catch (InvalidRowException e) {
                    workload.invalid(lines.number(), e);
                }
            }
        }
        return workload.build();
    }

    private static JsonRequestObject parseLine(String line) throws IOException, InvalidRowException {
        try (JsonParser parser = JsonRequestObject.FACTORY.createParser(line)) {
            parser.nextToken();
            JsonRequestObject request = JsonRequestObject.read(parser, true);
            if (parser.nextToken() != null) {
                throw InvalidRowException.got("expected one JSON object per line", line);
            }
            return request;
        } catch (JsonProcessingException e) {
            throw new InvalidRowException("invalid JSON", "invalid JSON: " + e.getOriginalMessage());
        }
    }
}
