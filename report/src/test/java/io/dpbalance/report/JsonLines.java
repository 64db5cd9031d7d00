package io.dpbalance.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * A record in the JSON-lines form of the jobs' file sink (jobs' JsonLinesEncoder: .avsc field names in order,
 * timestamps as epoch milliseconds, null for absent optional fields), for test inputs.
 */
final class JsonLines {

  private static final ObjectMapper JSON = new ObjectMapper();

  private JsonLines() {}

  static String of(SpecificRecord record) {
    ObjectNode object = JSON.createObjectNode();
    for (Schema.Field field : record.getSchema().getFields()) {
      Object value = record.get(field.pos());
      if (value == null) {
        object.putNull(field.name());
      } else if (value instanceof Instant instant) {
        object.put(field.name(), instant.toEpochMilli());
      } else if (value instanceof Integer number) {
        object.put(field.name(), number);
      } else if (value instanceof Long number) {
        object.put(field.name(), number);
      } else if (value instanceof Double number) {
        object.put(field.name(), number);
      } else {
        object.put(field.name(), value.toString());
      }
    }
    return object.toString();
  }
}
