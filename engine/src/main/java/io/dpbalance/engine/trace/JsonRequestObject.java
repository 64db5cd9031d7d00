package io.dpbalance.engine.trace;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * One request written as a JSON object, as Mooncake lines and lengths elements are: {@code input_length},
 * {@code output_length} and, for Mooncake, {@code timestamp} in milliseconds. Other fields are skipped unread.
 *
 * @param timestampNanos the timestamp in nanoseconds, 0 when not read
 */
record JsonRequestObject(long timestampNanos, int promptTokens, int outputTokens) {

    /** Shared: a factory is thread-safe and costly to make. */
    static final JsonFactory FACTORY = new JsonFactory();

    static final String TIMESTAMP = "timestamp";
    static final String INPUT_LENGTH = "input_length";
    static final String OUTPUT_LENGTH = "output_length";

    /**
     * Reads the value at the parser's current token to its end, so that the parser is past it even when the value
     * is not a valid request.
     *
     * @param timed whether {@code timestamp} is required
     * @throws InvalidRowException after the whole value is read, for the first thing wrong with it
     */
    static JsonRequestObject read(JsonParser parser, boolean timed) throws IOException, InvalidRowException {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            String found = parser.getText();
            parser.skipChildren();
            throw InvalidRowException.got(
                    "expected a JSON object with " + INPUT_LENGTH + " and " + OUTPUT_LENGTH, found);
        }
        Long timestampNanos = null;
        Integer prompt = null;
        Integer output = null;
        InvalidRowException firstProblem = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            parser.nextToken();
            try {
                if (timed && field.equals(TIMESTAMP)) {
                    timestampNanos = timestampNanos(parser);
                } else if (field.equals(INPUT_LENGTH)) {
                    prompt = positiveInt(parser, INPUT_LENGTH);
                } else if (field.equals(OUTPUT_LENGTH)) {
                    output = positiveInt(parser, OUTPUT_LENGTH);
                }
            } catch (InvalidRowException e) {
                if (firstProblem == null) {
                    firstProblem = e;
                }
            }
            // Ignored values such as Mooncake's hash_ids can be long arrays: skip them without building them.
            parser.skipChildren();
        }
        if (firstProblem != null) {
            throw firstProblem;
        }
        if (timed && timestampNanos == null) {
            throw missing(TIMESTAMP);
        }
        if (prompt == null) {
            throw missing(INPUT_LENGTH);
        }
        if (output == null) {
            throw missing(OUTPUT_LENGTH);
        }
        return new JsonRequestObject(timed ? timestampNanos : 0L, prompt, output);
    }

    private static long timestampNanos(JsonParser parser) throws IOException, InvalidRowException {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
            try {
                return Timestamps.decimalNanos(parser.getDecimalValue(), Timestamps.MILLISECONDS);
            } catch (IllegalArgumentException e) {
                // reported below with the value as written
            }
        }
        throw InvalidRowException.got(TIMESTAMP + ": expected a number of milliseconds >= 0", parser.getText());
    }

    private static int positiveInt(JsonParser parser, String field) throws IOException, InvalidRowException {
        if (parser.currentToken() == JsonToken.VALUE_NUMBER_INT
                && parser.getNumberType() == JsonParser.NumberType.INT
                && parser.getIntValue() > 0) {
            return parser.getIntValue();
        }
        throw InvalidRowException.got(field + ": expected an integer > 0", parser.getText());
    }

    private static InvalidRowException missing(String field) {
        return new InvalidRowException("missing field '" + field + "'");
    }
}
