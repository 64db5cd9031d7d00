package io.dpbalance.jobs.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class RequestTokenSerializerTest {

  private static RequestToken roundTrip(RequestToken token) throws IOException {
    DataOutputSerializer out = new DataOutputSerializer(64);
    RequestTokenSerializer.INSTANCE.serialize(token, out);
    DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
    RequestToken read = RequestTokenSerializer.INSTANCE.deserialize(in);
    assertThat(in.available()).as("bytes left after the token").isZero();
    return read;
  }

  @Test
  void writesAndReadsEveryFieldIncludingNullStringsAndPayload() throws IOException {
    RequestToken whole = new RequestToken("cluster-0", "req-17", 31, 4_000_000_000L, 1_700_000_000_123L, 2049, true,
        "dp.token-events", 3, 123_456_789_012L, new byte[] {(byte) 0xC3, 1, 2, 3});
    RequestToken waiting = new RequestToken(null, null, 0, 1, -5, 1, false, null, -1, 0, null);

    assertThat(roundTrip(whole)).usingRecursiveComparison().isEqualTo(whole);
    assertThat(roundTrip(waiting)).usingRecursiveComparison().isEqualTo(waiting);
  }

  @Test
  void isTheSerializerOfTheTypeAndRestoresFromItsSnapshot() throws IOException {
    TypeSerializer<RequestToken> serializer = RequestToken.TYPE.createSerializer(new SerializerConfigImpl());
    assertThat(serializer).isSameAs(RequestTokenSerializer.INSTANCE);

    DataOutputSerializer out = new DataOutputSerializer(64);
    TypeSerializerSnapshot.writeVersionedSnapshot(out, serializer.snapshotConfiguration());
    TypeSerializerSnapshot<RequestToken> restored = TypeSerializerSnapshot.readVersionedSnapshot(
        new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());

    assertThat(restored.restoreSerializer()).isSameAs(RequestTokenSerializer.INSTANCE);
    assertThat(serializer.snapshotConfiguration().resolveSchemaCompatibility(restored).isCompatibleAsIs()).isTrue();
  }
}
