package io.dpbalance.jobs.analytics;

import java.io.IOException;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The serializer of {@link RequestToken}, written out field by field: the record crosses the network once per token
 * and waits in keyed state, so Flink's generic serializers (reflection per field, a copy on every state access during
 * a checkpoint) cost more than the rest of the request check. The type is immutable: {@link #copy} is the identity.
 *
 * <p>A checkpoint writes the waiting tokens to a stream on which every int, boolean and string character is a call of
 * its own; a token is therefore written to a buffer of this serializer first and goes to such a stream in one piece.
 * The buffers (and the topic, the same for every token of a source, kept encoded and decoded) make the serializer
 * stateful: {@link #duplicate} gives each thread its own, as Flink requires.
 *
 * <p>Format (version 1): clusterId, requestId, topic (UTF-8), rank, step, time, contextTokens, last, partition,
 * offset, payload; strings and payload are written as their length (-1 for null) and their bytes. A change of format
 * needs a new snapshot version that still reads this one, or keyed state of running jobs cannot be restored.
 */
public final class RequestTokenSerializer extends TypeSerializer<RequestToken> {

    private static final long serialVersionUID = 1L;

    private transient DataOutputSerializer buffer;
    private transient byte[] scratch;
    private transient String writtenTopic;
    private transient byte[] writtenTopicBytes;
    private transient String readTopic;
    private transient byte[] readTopicBytes;

    @Override
    public boolean isImmutableType() {
        return true;
    }

    @Override
    public TypeSerializer<RequestToken> duplicate() {
        return new RequestTokenSerializer();
    }

    @Override
    public RequestToken createInstance() {
        return new RequestToken(null, null, 0, 0, 0, 0, false, null, 0, 0, null);
    }

    @Override
    public RequestToken copy(RequestToken from) {
        return from;
    }

    @Override
    public RequestToken copy(RequestToken from, RequestToken reuse) {
        return from;
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(RequestToken token, DataOutputView target) throws IOException {
        if (target instanceof DataOutputSerializer memory) {
            write(token, memory);
            return;
        }
        if (buffer == null) {
            buffer = new DataOutputSerializer(128);
        }
        buffer.clear();
        write(token, buffer);
        target.write(buffer.getSharedBuffer(), 0, buffer.length());
    }

    private void write(RequestToken token, DataOutputView target) throws IOException {
        writeString(token.clusterId(), target);
        writeString(token.requestId(), target);
        writeTopic(token.topic(), target);
        target.writeInt(token.rank());
        target.writeLong(token.step());
        target.writeLong(token.time());
        target.writeLong(token.contextTokens());
        target.writeBoolean(token.last());
        target.writeInt(token.partition());
        target.writeLong(token.offset());
        byte[] payload = token.payload();
        if (payload == null) {
            target.writeInt(-1);
        } else {
            target.writeInt(payload.length);
            target.write(payload);
        }
    }

    @Override
    public RequestToken deserialize(DataInputView source) throws IOException {
        String clusterId = readString(source);
        String requestId = readString(source);
        String topic = readTopic(source);
        int rank = source.readInt();
        long step = source.readLong();
        long time = source.readLong();
        long contextTokens = source.readLong();
        boolean last = source.readBoolean();
        int partition = source.readInt();
        long offset = source.readLong();
        int length = source.readInt();
        byte[] payload = null;
        if (length >= 0) {
            payload = new byte[length];
            source.readFully(payload);
        }
        return new RequestToken(
                clusterId, requestId, rank, step, time, contextTokens, last, topic, partition, offset, payload);
    }

    /** UTF-8 in one piece (Flink's string serializer makes a call per character). */
    private static void writeString(String text, DataOutputView target) throws IOException {
        if (text == null) {
            target.writeInt(-1);
            return;
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        target.writeInt(bytes.length);
        target.write(bytes);
    }

    /** Every token of a topic names it: its bytes are encoded once, and read back as one String. */
    private void writeTopic(String topic, DataOutputView target) throws IOException {
        if (topic == null) {
            target.writeInt(-1);
            return;
        }
        if (!topic.equals(writtenTopic)) {
            writtenTopic = topic;
            writtenTopicBytes = topic.getBytes(StandardCharsets.UTF_8);
        }
        target.writeInt(writtenTopicBytes.length);
        target.write(writtenTopicBytes);
    }

    private String readString(DataInputView source) throws IOException {
        int length = source.readInt();
        if (length < 0) {
            return null;
        }
        return new String(readBytes(source, length), 0, length, StandardCharsets.UTF_8);
    }

    private String readTopic(DataInputView source) throws IOException {
        int length = source.readInt();
        if (length < 0) {
            return null;
        }
        byte[] bytes = readBytes(source, length);
        if (readTopic == null || !Arrays.equals(bytes, 0, length, readTopicBytes, 0, readTopicBytes.length)) {
            readTopicBytes = Arrays.copyOf(bytes, length);
            readTopic = new String(bytes, 0, length, StandardCharsets.UTF_8);
        }
        return readTopic;
    }

    /** The next {@code length} bytes, in a buffer of this serializer (valid until the next read). */
    private byte[] readBytes(DataInputView source, int length) throws IOException {
        if (scratch == null || scratch.length < length) {
            scratch = new byte[Math.max(64, length)];
        }
        source.readFully(scratch, 0, length);
        return scratch;
    }

    @Override
    public RequestToken deserialize(RequestToken reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RequestTokenSerializer;
    }

    @Override
    public int hashCode() {
        return RequestTokenSerializer.class.hashCode();
    }

    @Override
    public TypeSerializerSnapshot<RequestToken> snapshotConfiguration() {
        return new Snapshot();
    }

    /** There is one format so far. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<RequestToken> {
        public Snapshot() {
            super(RequestTokenSerializer::new);
        }
    }

    /** Gives {@link RequestToken} its type information (see the annotation on the record). */
    public static final class TypeInfoFactory
            extends org.apache.flink.api.common.typeinfo.TypeInfoFactory<RequestToken> {
        @Override
        public TypeInformation<RequestToken> createTypeInfo(Type type, Map<String, TypeInformation<?>> parameters) {
            return new RequestTokenTypeInfo();
        }
    }

    /** The type information of {@link RequestToken}: an atomic type with this serializer. */
    static final class RequestTokenTypeInfo extends TypeInformation<RequestToken> {

        private static final long serialVersionUID = 1L;

        @Override
        public boolean isBasicType() {
            return false;
        }

        @Override
        public boolean isTupleType() {
            return false;
        }

        @Override
        public int getArity() {
            return 1;
        }

        @Override
        public int getTotalFields() {
            return 1;
        }

        @Override
        public Class<RequestToken> getTypeClass() {
            return RequestToken.class;
        }

        @Override
        public boolean isKeyType() {
            return false;
        }

        @Override
        public TypeSerializer<RequestToken> createSerializer(SerializerConfig config) {
            return new RequestTokenSerializer();
        }

        @Override
        public String toString() {
            return "RequestToken";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof RequestTokenTypeInfo;
        }

        @Override
        public int hashCode() {
            return RequestTokenTypeInfo.class.hashCode();
        }

        @Override
        public boolean canEqual(Object o) {
            return o instanceof RequestTokenTypeInfo;
        }
    }
}
