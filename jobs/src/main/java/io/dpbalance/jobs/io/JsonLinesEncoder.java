package io.dpbalance.jobs.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Base64;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.Encoder;

/**
 * Writes a dpbalance record as one JSON object per line, for the file output of a batch run. Field names are those of
 * the {@code .avsc}, in its order; a timestamp is its epoch milliseconds (the Avro value), bytes are base64, a null
 * optional field is {@code null}, and so is a double that JSON cannot hold (NaN, infinity).
 *
 * @param <T> the record type
 */
public final class JsonLinesEncoder<T extends SpecificRecord> implements Encoder<T> {

  private static final long serialVersionUID = 1L;

  private transient JsonFactory json;

  @Override
  public void encode(T element, OutputStream stream) throws IOException {
    if (json == null) {
      json = new JsonFactory().disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    }
    try (JsonGenerator out = json.createGenerator(stream)) {
      write(element, out);
    }
    stream.write('\n');
  }

  private static void write(SpecificRecord record, JsonGenerator out) throws IOException {
    out.writeStartObject();
    for (Schema.Field field : record.getSchema().getFields()) {
      out.writeFieldName(field.name());
      writeValue(record.getSchema().getName() + "." + field.name(), record.get(field.pos()), out);
    }
    out.writeEndObject();
  }

  private static void writeValue(String field, Object value, JsonGenerator out) throws IOException {
    if (value == null) {
      out.writeNull();
    } else if (value instanceof CharSequence text) {
      out.writeString(text.toString());
    } else if (value instanceof Integer number) {
      out.writeNumber(number);
    } else if (value instanceof Long number) {
      out.writeNumber(number);
    } else if (value instanceof Double number) {
      if (number.isNaN() || number.isInfinite()) {
        out.writeNull();
      } else {
        out.writeNumber(number);
      }
    } else if (value instanceof Boolean flag) {
      out.writeBoolean(flag);
    } else if (value instanceof Instant instant) {
      out.writeNumber(instant.toEpochMilli());
    } else if (value instanceof ByteBuffer bytes) {
      ByteBuffer copy = bytes.duplicate();
      byte[] raw = new byte[copy.remaining()];
      copy.get(raw);
      out.writeString(Base64.getEncoder().encodeToString(raw));
    } else {
      throw new IllegalArgumentException(field + ": no JSON form for " + value.getClass().getName());
    }
  }
}
