package io.dpbalance.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;

/**
 * The rows of {@code simulate --json} / {@code sweep --json}; the JSON-lines form of the records themselves is read by
 * {@link io.dpbalance.schemas.RecordJson}.
 */
final class SimRowJson {

    private SimRowJson() {}

    /** Whether the object is a row of {@code simulate --json} or {@code sweep --json}. */
    static boolean isSimulationRow(JsonNode object) {
        return object.has("policy") && object.has("avg_idle_fraction") && object.has("wall_ms") && object.has("mode");
    }

    private static IllegalArgumentException bad(String field, String where, String expected, JsonNode value) {
        return new IllegalArgumentException(
                where + ": " + field + ": expected " + expected + ", got " + (value == null ? "no such field" : value));
    }

    /** A row of {@code simulate --json} or {@code sweep --json}. */
    static SimRow toSimRow(JsonNode object, String where) {
        SimRow.Kind kind = object.has("imbalance_ratio") ? SimRow.Kind.SWEEP : SimRow.Kind.SIMULATE;
        return new SimRow(
                kind,
                text(object, "policy", where),
                text(object, "mode", where),
                (int) integer(object, "ranks", where),
                (int) integer(object, "batch", where),
                number(object, "avg_imbalance", where),
                number(object, "avg_idle_fraction", where),
                number(object, "energy_joules", where),
                number(object, "tokens_per_joule", where),
                integer(object, "tokens", where),
                integer(object, "steps", where),
                number(object, "throughput_tokens_per_s", where),
                optionalNumber(object, "queue_wait_p50_s"),
                optionalNumber(object, "queue_wait_p95_s"),
                optionalNumber(object, "queue_wait_p99_s"),
                optionalNumber(object, "e2e_p50_s"),
                optionalNumber(object, "e2e_p95_s"),
                optionalNumber(object, "e2e_p99_s"),
                optionalNumber(object, "imbalance_ratio"),
                where);
    }

    private static String text(JsonNode object, String name, String where) {
        JsonNode value = object.get(name);
        if (value == null || !value.isTextual()) {
            throw bad("simulate row." + name, where, "a string", value);
        }
        return value.asText();
    }

    private static long integer(JsonNode object, String name, String where) {
        JsonNode value = object.get(name);
        if (value == null || !value.isIntegralNumber()) {
            throw bad("simulate row." + name, where, "an integer", value);
        }
        return value.longValue();
    }

    /** A number; simulate prints null for a value that is not a number (e.g. tokens/J of a run without energy). */
    private static double number(JsonNode object, String name, String where) {
        JsonNode value = object.get(name);
        if (value != null && value.isNull()) {
            return Double.NaN;
        }
        if (value == null || !value.isNumber()) {
            throw bad("simulate row." + name, where, "a number", value);
        }
        return value.doubleValue();
    }

    private static double optionalNumber(JsonNode object, String name) {
        JsonNode value = object.get(name);
        return value == null || !value.isNumber() ? Double.NaN : value.doubleValue();
    }

    /** The field names of an object, for error messages. */
    static String fieldNames(JsonNode object) {
        StringBuilder names = new StringBuilder();
        for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
            names.append(names.length() == 0 ? "" : ", ").append(it.next());
        }
        return names.toString();
    }
}
