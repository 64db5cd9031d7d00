package io.dpbalance.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import io.dpbalance.schemas.AvroCodec;
import io.dpbalance.schemas.Codecs;

/**
 * The JSON-lines form of dpbalance records (what the jobs' {@code --output-files} and the datagen's {@code .jsonl}
 * files hold: the {@code .avsc} field names, timestamps as epoch milliseconds, null for absent optional fields) back
 * into the Avro classes, and the rows of {@code simulate --json} / {@code sweep --json}.
 */
final class JsonRecords {

  private JsonRecords() {}

  /** The record type whose fields the object carries: every field without a default, and no field it lacks. */
  static Optional<Class<? extends SpecificRecord>> typeOf(JsonNode object) {
    Set<String> keys = new HashSet<>();
    object.fieldNames().forEachRemaining(keys::add);
    for (AvroCodec<?> codec : Codecs.all()) {
      Schema schema = codec.schema();
      Set<String> all = new HashSet<>();
      boolean required = true;
      for (Schema.Field field : schema.getFields()) {
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

  /** Whether the object is a row of {@code simulate --json} or {@code sweep --json}. */
  static boolean isSimulationRow(JsonNode object) {
    return object.has("policy") && object.has("avg_idle_fraction") && object.has("wall_ms") && object.has("mode");
  }

  /**
   * Builds the record of {@code type} from its JSON-lines form.
   *
   * @param where the file and line, for errors
   * @throws IllegalArgumentException naming {@code where} and the field when a value does not fit the schema
   */
  static <T extends SpecificRecord> T toRecord(JsonNode object, Class<T> type, String where) {
    @SuppressWarnings("unchecked") // newRecord instantiates the class of the schema, which is type.
    T record = (T) SpecificData.get().newRecord(null, Codecs.codec(type).schema());
    for (Schema.Field field : record.getSchema().getFields()) {
      JsonNode value = object.get(field.name());
      String name = type.getSimpleName() + "." + field.name();
      record.put(field.pos(), value(value, field.schema(), name, where));
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
      List<Schema> branches = schema.getTypes().stream().filter(s -> s.getType() != Schema.Type.NULL).toList();
      return value(value, branches.get(0), field, where);
    }
    if (value == null || value.isNull()) {
      throw bad(field, where, "a value", value);
    }
    switch (schema.getType()) {
      case STRING:
        if (!value.isTextual()) {
          throw bad(field, where, "a string", value);
        }
        return value.asText();
      case INT:
        if (!value.canConvertToInt() || !value.isIntegralNumber()) {
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
        if (!value.isNumber()) {
          throw bad(field, where, "a number", value);
        }
        return value.doubleValue();
      case BOOLEAN:
        if (!value.isBoolean()) {
          throw bad(field, where, "true or false", value);
        }
        return value.booleanValue();
      case BYTES:
        if (!value.isTextual()) {
          throw bad(field, where, "base64 text", value);
        }
        return ByteBuffer.wrap(Base64.getDecoder().decode(value.asText()));
      default:
        throw new IllegalStateException(field + ": the report reads no " + schema.getType() + " fields");
    }
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
