package io.dpbalance.engine.trace;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a lengths file, {@code {"data": [{"input_length": n, "output_length": m}, ...]}} or the bare list, streaming
 * so that a large file is never held as a tree. It has no times: every arrival is 0. A request's id is its index in
 * the list, a bad element's line is the line it starts on.
 */
final class LengthsJsonReader {

    static final String DATA = "data";
    private static final String EXPECTED_ROOT = "expected {\"" + DATA + "\": [...]} or a JSON array";

    private LengthsJsonReader() {}

    static Workload read(Path file, String source, ReadOptions options) throws IOException {
        WorkloadBuilder workload = new WorkloadBuilder(source, WorkloadFormat.LENGTHS, false, options);
        try (JsonParser parser = JsonRequestObject.FACTORY.createParser(Files.newInputStream(file))) {
            JsonToken root = parser.nextToken();
            if (root == null) {
                throw new WorkloadException(source + ": empty file, " + EXPECTED_ROOT);
            }
            if (root == JsonToken.START_ARRAY) {
                readElements(parser, workload);
            } else if (root == JsonToken.START_OBJECT) {
                readDataField(parser, source, workload);
            } else {
                throw new WorkloadException(source + ":" + line(parser.currentTokenLocation()) + ": " + EXPECTED_ROOT
                        + ", got '" + parser.getText() + "'");
            }
            if (!workload.isFull() && parser.nextToken() != null) {
                throw new WorkloadException(source + ":" + line(parser.currentTokenLocation())
                        + ": expected the end of the file after the JSON value");
            }
        } catch (JsonProcessingException e) {
            throw new WorkloadException(
                    source + ":" + line(e.getLocation()) + ": invalid JSON: " + e.getOriginalMessage(), e);
        }
        return workload.build();
    }

    private static void readDataField(JsonParser parser, String source, WorkloadBuilder workload) throws IOException {
        boolean sawData = false;
        while (!workload.isFull() && parser.nextToken() == JsonToken.FIELD_NAME) {
            boolean isData = parser.currentName().equals(DATA);
            JsonToken value = parser.nextToken();
            if (isData && value != JsonToken.START_ARRAY) {
                throw new WorkloadException(source + ":" + line(parser.currentTokenLocation()) + ": \"" + DATA
                        + "\": expected an array, got '" + parser.getText() + "'");
            }
            if (isData) {
                sawData = true;
                readElements(parser, workload);
            } else {
                parser.skipChildren();
            }
        }
        if (!sawData && !workload.isFull()) {
            throw new WorkloadException(source + ": " + EXPECTED_ROOT + "; the object has no \"" + DATA + "\" field");
        }
    }

    private static void readElements(JsonParser parser, WorkloadBuilder workload) throws IOException {
        long index = 0;
        while (!workload.isFull() && parser.nextToken() != JsonToken.END_ARRAY) {
            long line = line(parser.currentTokenLocation());
            try {
                JsonRequestObject request = JsonRequestObject.read(parser, false);
                workload.add("lengths-" + index, 0, request.promptTokens(), request.outputTokens());
            } catch (InvalidRowException e) {
                workload.invalid(line, e);
            }
            index++;
        }
    }

    private static long line(JsonLocation location) {
        return location == null ? 0 : location.getLineNr();
    }
}
