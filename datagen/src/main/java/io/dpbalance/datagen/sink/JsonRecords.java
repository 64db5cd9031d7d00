package io.dpbalance.datagen.sink;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * A dpbalance record as one flat JSON object: the field names of its {@code .avsc} (so {@code final}, not the
 * generated {@code final$}), optional fields as their value or {@code null} (not Avro's JSON encoding
 * <code>{"long": 5}</code>), timestamps as epoch-millisecond numbers, bytes as a base64 string. Fields keep their
 * schema order, so equal records give equal text.
 */
public final class JsonRecords {

    /** Writes no separator between root values: callers end every record with a newline themselves. */
    public static final JsonFactory FACTORY = new JsonFactoryBuilder().rootValueSeparator((String) null).build();

    private static final ClassValue<SerializedString[]> FIELD_NAMES = new ClassValue<>() {
        @Override
        protected SerializedString[] computeValue(Class<?> type) {
            List<Schema.Field> fields = SpecificData.get().getSchema(type).getFields();
            return fields.stream().map(f -> new SerializedString(f.name())).toArray(SerializedString[]::new);
        }
    };

    private JsonRecords() {
    }

    /** Writes {@code record} as one JSON object (no newline). */
    public static void write(JsonGenerator json, SpecificRecord record) throws IOException {
        SerializedString[] names = FIELD_NAMES.get(record.getClass());
        json.writeStartObject();
        for (int i = 0; i < names.length; i++) {
            json.writeFieldName(names[i]);
            writeValue(json, record.get(i));
        }
        json.writeEndObject();
    }

    private static void writeValue(JsonGenerator json, Object value) throws IOException {
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
            json.writeNumber(d);
        } else if (value instanceof Float f) {
            json.writeNumber(f);
        } else if (value instanceof Instant instant) {
            json.writeNumber(instant.toEpochMilli());
        } else if (value instanceof ByteBuffer bytes) {
            ByteBuffer copy = bytes.duplicate();
            byte[] raw = new byte[copy.remaining()];
            copy.get(raw);
            json.writeString(Base64.getEncoder().encodeToString(raw));
        } else {
            // The docs/design.md §6 records hold only the types above; a new field type must be added here deliberately.
            throw new IllegalArgumentException("no JSON form for a field of type " + value.getClass().getName());
        }
    }
}
