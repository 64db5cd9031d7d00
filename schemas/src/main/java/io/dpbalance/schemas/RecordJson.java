package io.dpbalance.schemas;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * The JSON form of a dpbalance record, one flat object a record (the JSON-lines files of the jobs' {@code
 * --output-files}, the datagen's {@code .jsonl} files and {@code tail}), and its reading back.
 *
 * <p>Written: the {@code .avsc} field names in schema order (so {@code final}, not the generated {@code final$}),
 * optional fields as their value or {@code null} (not Avro's JSON encoding <code>{"long": 5}</code>), timestamps as
 * epoch-millisecond numbers, bytes as a base64 string, and a double that JSON cannot hold (NaN, infinity) as {@code
 * null}, as {@code simulate --json} does: RFC 8259 has no NaN, and {@code null} is what jq, pandas and browsers read
 * as "no number". Equal records give equal text.
 *
 * <p>Read: the same, and also the {@code "NaN"}, {@code "Infinity"} and {@code "-Infinity"} strings that earlier
 * datagen files hold. A {@code null} double reads back as NaN where the field is not optional, and as absent where it
 * is: an optional field that held NaN comes back absent.
 */
public final class RecordJson {

    /** Writes no separator between root values: callers end every record with a newline themselves. */
    public static final JsonFactory FACTORY =
            new JsonFactoryBuilder().rootValueSeparator((String) null).build();

    private static final ClassValue<SerializedString[]> FIELD_NAMES = new ClassValue<>() {
        @Override
        protected SerializedString[] computeValue(Class<?> type) {
            List<Schema.Field> fields = SpecificData.get().getSchema(type).getFields();
            return fields.stream().map(f -> new SerializedString(f.name())).toArray(SerializedString[]::new);
        }
    };

    private RecordJson() {}

    /** Writes {@code record} as one JSON object (no newline). */
    public static void write(JsonGenerator json, SpecificRecord record) throws IOException {
        SerializedString[] names = FIELD_NAMES.get(record.getClass());
        json.writeStartObject();
        for (int i = 0; i < names.length; i++) {
            json.writeFieldName(names[i]);
            writeValue(json, names[i], record.get(i));
        }
        json.writeEndObject();
    }

    /** Writes {@code record} as one line (its object and {@code \n}) to {@code out}, which stays open. */
    public static void writeLine(OutputStream out, SpecificRecord record) throws IOException {
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            write(json, record);
        }
        out.write('\n');
    }

    /** {@code record} as one JSON object. */
    public static String toJson(SpecificRecord record) {
        StringWriter text = new StringWriter();
        try (JsonGenerator json = FACTORY.createGenerator(text)) {
            write(json, record);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    private static void writeValue(JsonGenerator json, SerializedString field, Object value) throws IOException {
        if (value == null) {
            json.writeNull();
        } else if (value instanceof CharSequence text) {
            json.writeString(text.toString());
        } else if (value instanceof Long n) {
            json.writeNumber(n);
        } else if (value instanceof Integer n) {
            json.writeNumber(n);
        } else if (value instanceof Boolean b) {
            json.writeBoolean(b);
        } else if (value instanceof Double d) {
            if (Double.isFinite(d)) {
                json.writeNumber(d);
            } else {
                json.writeNull();
            }
        } else if (value instanceof Instant instant) {
            json.writeNumber(instant.toEpochMilli());
        } else if (value instanceof ByteBuffer bytes) {
            ByteBuffer copy = bytes.duplicate();
            byte[] raw = new byte[copy.remaining()];
            copy.get(raw);
            json.writeString(Base64.getEncoder().encodeToString(raw));
        } else {
            // The records hold only the types above; a new field type must be added here, and in value(), deliberately.
            throw new IllegalArgumentException(
                    field + ": no JSON form for " + value.getClass().getName());
        }
    }

    /** The record type whose fields the object carries: every field without a default, and no field it lacks. */
    public static Optional<Class<? extends SpecificRecord>> typeOf(JsonNode object) {
        Set<String> keys = new HashSet<>();
        object.fieldNames().forEachRemaining(keys::add);
        for (AvroCodec<?> codec : Codecs.all()) {
            Set<String> all = new HashSet<>();
            boolean required = true;
            for (Schema.Field field : codec.schema().getFields()) {
                all.add(field.name());
                if (!field.hasDefaultValue() && !keys.contains(field.name())) {
                    required = false;
                }
            }
            if (required && all.containsAll(keys)) {
                return Optional.of(codec.type());
            }
        }
        return Optional.empty();
    }

    /**
     * Builds the record of {@code type} from its JSON form; a field the object lacks takes its schema default.
     *
     * @param where the file and line, for errors
     * @throws IllegalArgumentException naming {@code where} and the field when a value does not fit the schema
     */
    public static <T extends SpecificRecord> T read(JsonNode object, Class<T> type, String where) {
        @SuppressWarnings("unchecked") // newRecord instantiates the class of the schema, which is type.
        T record = (T) SpecificData.get().newRecord(null, Codecs.codec(type).schema());
        for (Schema.Field field : record.getSchema().getFields()) {
            JsonNode value = object.get(field.name());
            String name = type.getSimpleName() + "." + field.name();
            if (value == null && field.hasDefaultValue()) {
                record.put(field.pos(), SpecificData.get().getDefaultValue(field));
            } else {
                record.put(field.pos(), value(value, field.schema(), name, where));
            }
        }
        return record;
    }

    private static Object value(JsonNode value, Schema schema, String field, String where) {
        if (schema.getType() == Schema.Type.UNION) {
            if (value == null || value.isNull()) {
                if (schema.getTypes().stream().anyMatch(s -> s.getType() == Schema.Type.NULL)) {
                    return null;
                }
                throw bad(field, where, "a value", value);
            }
            List<Schema> branches = schema.getTypes().stream()
                    .filter(s -> s.getType() != Schema.Type.NULL)
                    .toList();
            return value(value, branches.get(0), field, where);
        }
        if (value == null || (value.isNull() && schema.getType() != Schema.Type.DOUBLE)) {
            throw bad(field, where, "a value", value);
        }
        switch (schema.getType()) {
            case STRING:
                if (!value.isTextual()) {
                    throw bad(field, where, "a string", value);
                }
                return value.asText();
            case INT:
                if (!value.isIntegralNumber() || !value.canConvertToInt()) {
                    throw bad(field, where, "an integer", value);
                }
                return value.intValue();
            case LONG:
                if (!value.isIntegralNumber() || !value.canConvertToLong()) {
                    throw bad(field, where, "an integer", value);
                }
                if (schema.getLogicalType() instanceof LogicalTypes.TimestampMillis) {
                    return Instant.ofEpochMilli(value.longValue());
                }
                return value.longValue();
            case DOUBLE:
                return number(value, field, where);
            case BOOLEAN:
                if (!value.isBoolean()) {
                    throw bad(field, where, "true or false", value);
                }
                return value.booleanValue();
            case BYTES:
                if (!value.isTextual()) {
                    throw bad(field, where, "base64 text", value);
                }
                try {
                    return ByteBuffer.wrap(Base64.getDecoder().decode(value.asText()));
                } catch (IllegalArgumentException e) {
                    throw bad(field, where, "base64 text", value);
                }
            default:
                throw new IllegalStateException(field + ": records hold no " + schema.getType() + " fields");
        }
    }

    /** A double: a number, null for NaN, or the NaN and infinity strings that earlier writers used. */
    private static double number(JsonNode value, String field, String where) {
        if (value.isNull()) {
            return Double.NaN;
        }
        if (value.isNumber()) {
            return value.doubleValue();
        }
        if (value.isTextual()) {
            switch (value.asText()) {
                case "NaN":
                    return Double.NaN;
                case "Infinity":
                    return Double.POSITIVE_INFINITY;
                case "-Infinity":
                    return Double.NEGATIVE_INFINITY;
                default:
                    break;
            }
        }
        throw bad(field, where, "a number", value);
    }

    private static IllegalArgumentException bad(String field, String where, String expected, JsonNode value) {
        return new IllegalArgumentException(
                where + ": " + field + ": expected " + expected + ", got " + (value == null ? "no such field" : value));
    }
}
