package io.dpbalance.engine.trace;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads a workload file in one of the formats of docs/design.md §9 into a {@link Workload}.
 *
 * <p>Requests keep file order. For timed formats the arrival of a request is {@code (t - t0) * timeScale} seconds,
 * {@code t0} being the earliest timestamp read (not necessarily the first row's). A malformed row fails the read
 * with a {@link WorkloadException} naming the file, the line and what was expected, unless
 * {@link ReadOptions#skipInvalid()} asks to skip it; skipped rows are counted by reason in
 * {@link Workload#skipReasons()}. BurstGPT rows with 0 response tokens are failed requests: always skipped, counted.
 *
 * <p>{@link WorkloadFormat#AUTO} detects the format (see {@link #detect}).
 */
public final class WorkloadReader {

    private static final String DETECTABLE = "a .csv header with " + CsvTraceReader.Layout.AZURE.columns()
            + " (azure) or " + CsvTraceReader.Layout.BURSTGPT.columns() + " (burstgpt), a .jsonl file or a first"
            + " line that is a JSON object with " + JsonRequestObject.TIMESTAMP + " and "
            + JsonRequestObject.INPUT_LENGTH + " (mooncake), or a .json file holding {\"" + LengthsJsonReader.DATA
            + "\": [...]} or an array (lengths)";

    private WorkloadReader() {}

    /** Reads {@code file} in {@code format}, detecting it for {@link WorkloadFormat#AUTO}. */
    public static Workload read(Path file, WorkloadFormat format, ReadOptions options) {
        String source = sourceName(file);
        WorkloadFormat actual = format == WorkloadFormat.AUTO ? detect(file) : format;
        try {
            return switch (actual) {
                case AZURE -> CsvTraceReader.read(file, source, CsvTraceReader.Layout.AZURE, options);
                case BURSTGPT -> CsvTraceReader.read(file, source, CsvTraceReader.Layout.BURSTGPT, options);
                case MOONCAKE -> MooncakeJsonlReader.read(file, source, options);
                case LENGTHS -> LengthsJsonReader.read(file, source, options);
                case AUTO, SYNTHETIC -> throw new IllegalArgumentException("cannot read a file as " + actual);
            };
        } catch (IOException e) {
            throw unreadable(file, e);
        }
    }

    /**
     * The format of {@code file}: a {@code .csv} is Azure or BurstGPT by its header, a {@code .jsonl} is Mooncake,
     * a {@code .json} is Mooncake if its first value is an object with {@code timestamp} and {@code input_length}
     * and lengths if it is {@code {"data": [...]}} or an array. A file with another extension is taken as JSON if
     * it starts with <code>{</code> or <code>[</code> and as CSV otherwise.
     *
     * @throws WorkloadException if the format cannot be told, naming the file and what was looked for
     */
    public static WorkloadFormat detect(Path file) {
        String name = sourceName(file).toLowerCase(Locale.ROOT);
        try {
            if (name.endsWith(".jsonl")) {
                return WorkloadFormat.MOONCAKE;
            }
            if (name.endsWith(".csv")) {
                return detectCsv(file);
            }
            if (name.endsWith(".json") || startsLikeJson(file)) {
                return detectJson(file);
            }
            return detectCsv(file);
        } catch (IOException e) {
            throw unreadable(file, e);
        }
    }

    private static WorkloadFormat detectCsv(Path file) throws IOException {
        List<String> header;
        try (CsvRecords csv = CsvRecords.open(file, sourceName(file))) {
            header = csv.next();
        }
        if (header == null) {
            throw undetectable(file, "the file is empty");
        }
        for (CsvTraceReader.Layout layout : CsvTraceReader.Layout.values()) {
            if (layout.matches(header)) {
                return layout.format();
            }
        }
        throw undetectable(file, "the first line holds " + header);
    }

    private static boolean startsLikeJson(Path file) throws IOException {
        try (NumberedLines lines = NumberedLines.open(file)) {
            String first = lines.nextNonBlank();
            return first != null
                    && (first.strip().startsWith("{") || first.strip().startsWith("["));
        }
    }

    private static WorkloadFormat detectJson(Path file) throws IOException {
        try (JsonParser parser = JsonRequestObject.FACTORY.createParser(Files.newInputStream(file))) {
            JsonToken root = parser.nextToken();
            if (root == JsonToken.START_ARRAY) {
                return WorkloadFormat.LENGTHS;
            }
            if (root != JsonToken.START_OBJECT) {
                throw undetectable(
                        file, root == null ? "the file is empty" : "it starts with '" + parser.getText() + "'");
            }
            Set<String> fields = new LinkedHashSet<>();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                if (parser.nextToken() == JsonToken.START_ARRAY && field.equals(LengthsJsonReader.DATA)) {
                    return WorkloadFormat.LENGTHS;
                }
                parser.skipChildren();
                fields.add(field);
            }
            if (fields.contains(JsonRequestObject.TIMESTAMP) && fields.contains(JsonRequestObject.INPUT_LENGTH)) {
                return WorkloadFormat.MOONCAKE;
            }
            throw undetectable(file, "its first object has the fields " + fields);
        } catch (JsonProcessingException e) {
            throw undetectable(file, "it is not valid JSON (" + e.getOriginalMessage() + ")");
        }
    }

    private static String sourceName(Path file) {
        Path name = file.getFileName();
        return name == null ? file.toString() : name.toString();
    }

    private static WorkloadException undetectable(Path file, String found) {
        return new WorkloadException("cannot detect the workload format of " + file + ": expected " + DETECTABLE
                + ", but " + found + "; name the format explicitly");
    }

    private static WorkloadException unreadable(Path file, IOException e) {
        if (e instanceof NoSuchFileException) {
            return new WorkloadException(file + ": no such file", e);
        }
        if (e instanceof MalformedInputException) {
            return new WorkloadException(file + ": not UTF-8 text", e);
        }
        return new WorkloadException(file + ": cannot read: " + e, e);
    }
}
