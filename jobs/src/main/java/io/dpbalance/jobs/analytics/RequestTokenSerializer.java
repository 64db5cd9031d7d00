package io.dpbalance.jobs.analytics;

import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * The serializer of {@link RequestToken}, written out field by field: the record crosses the network once per token
 * and waits in keyed state, so Flink's generic serializers (reflection per field, a copy on every state access during
 * a checkpoint) cost more than the rest of the request check. The type is immutable: {@link #copy} is the identity.
 *
 * <p>Format (version 1): clusterId, requestId, topic (nullable strings), rank, step, time, contextTokens, last,
 * partition, offset, payload (length, or -1 for null, then the bytes). A change of format needs a new snapshot version
 * that still reads this one, or keyed state of running jobs cannot be restored.
 */
public final class RequestTokenSerializer extends TypeSerializerSingleton<RequestToken> {

  private static final long serialVersionUID = 1L;

  static final RequestTokenSerializer INSTANCE = new RequestTokenSerializer();

  @Override
  public boolean isImmutableType() {
    return true;
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
    StringValue.writeString(token.clusterId(), target);
    StringValue.writeString(token.requestId(), target);
    StringValue.writeString(token.topic(), target);
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
    String clusterId = StringValue.readString(source);
    String requestId = StringValue.readString(source);
    String topic = StringValue.readString(source);
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
    return new RequestToken(clusterId, requestId, rank, step, time, contextTokens, last, topic, partition, offset,
        payload);
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
  public TypeSerializerSnapshot<RequestToken> snapshotConfiguration() {
    return new Snapshot();
  }

  /** Restores {@link #INSTANCE}: there is one format so far. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<RequestToken> {
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }

  /** Gives {@link RequestToken} its type information (see the annotation on the record). */
  public static final class TypeInfoFactory extends org.apache.flink.api.common.typeinfo.TypeInfoFactory<RequestToken> {
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
      return INSTANCE;
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
