package io.dpbalance.jobs.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputViewStreamWrapper;
import org.junit.jupiter.api.Test;

class RequestTokenSerializerTest {

    private static final RequestToken WHOLE = new RequestToken(
            "cluster-0",
            "req-17",
            31,
            4_000_000_000L,
            1_700_000_000_123L,
            2049,
            true,
            "dp.token-events",
            3,
            123_456_789_012L,
            new byte[] {(byte) 0xC3, 1, 2, 3});
    private static final RequestToken WAITING = new RequestToken(null, null, 0, 1, -5, 1, false, null, -1, 0, null);

    private static RequestToken read(byte[] bytes) throws IOException {
        DataInputDeserializer in = new DataInputDeserializer(bytes);
        RequestToken read = new RequestTokenSerializer().deserialize(in);
        assertThat(in.available()).as("bytes left after the token").isZero();
        return read;
    }

    @Test
    void writesAndReadsEveryFieldIncludingNullStringsAndPayload() throws IOException {
        for (RequestToken token : new RequestToken[] {WHOLE, WAITING}) {
            DataOutputSerializer out = new DataOutputSerializer(64);
            new RequestTokenSerializer().serialize(token, out);

            assertThat(read(out.getCopyOfBuffer())).usingRecursiveComparison().isEqualTo(token);
        }
    }

    @Test
    void readsBackTheTopicOfEachTokenOfASequence() throws IOException {
        RequestTokenSerializer writer = new RequestTokenSerializer();
        RequestTokenSerializer reader = new RequestTokenSerializer();
        DataOutputSerializer out = new DataOutputSerializer(64);
        String[] topics = {"a.dp.token-events", "b.dp.token-events", null, "b.dp.token-events", "a.dp.token-events"};
        for (String topic : topics) {
            writer.serialize(WHOLE.withStrings("c", "r", topic), out);
        }

        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        for (String topic : topics) {
            assertThat(reader.deserialize(in).topic()).isEqualTo(topic);
        }
    }

    @Test
    void writesTheSameBytesToAStreamAsToMemory() throws IOException {
        RequestTokenSerializer serializer = new RequestTokenSerializer();
        DataOutputSerializer memory = new DataOutputSerializer(64);
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        DataOutputViewStreamWrapper view = new DataOutputViewStreamWrapper(stream);
        for (RequestToken token : new RequestToken[] {WHOLE, WAITING, WHOLE}) {
            serializer.serialize(token, memory);
            serializer.serialize(token, view);
        }

        assertThat(stream.toByteArray()).isEqualTo(memory.getCopyOfBuffer());
    }

    @Test
    void isTheSerializerOfTheTypeAndRestoresFromItsSnapshot() throws IOException {
        TypeSerializer<RequestToken> serializer = RequestToken.TYPE.createSerializer(new SerializerConfigImpl());
        assertThat(serializer).isInstanceOf(RequestTokenSerializer.class);
        assertThat(serializer.duplicate()).isNotSameAs(serializer).isEqualTo(serializer);

        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, serializer.snapshotConfiguration());
        TypeSerializerSnapshot<RequestToken> restored = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());

        assertThat(restored.restoreSerializer()).isEqualTo(serializer);
        assertThat(serializer
                        .snapshotConfiguration()
                        .resolveSchemaCompatibility(restored)
                        .isCompatibleAsIs())
                .isTrue();
    }
}
