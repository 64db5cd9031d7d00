package io.dpbalance.jobs.analytics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Field-by-field serializers of {@link RankLoad} and {@link StepLoads} for the streams between the job's operators
 * (every rank-step crosses the network to its step window, every closed step to the step metrics; in batch mode each
 * is also written to and read from the sorter): Flink's POJO serializer reads and writes every field by reflection and
 * makes every object through a reflective constructor. Keyed state keeps the POJO serializers of its descriptors, so
 * that savepoints of running jobs restore as before; these serializers never reach a checkpoint.
 *
 * <p>Format of a RankLoad: a flags byte (which nullable longs are present, fromRankStep), clusterId (UTF-8, length
 * first), rank, step, time, running, kvTokens, records, then the present nullable longs, then where it was read (the
 * topic, a rank-step's partition and offset, a token share's tokens' positions) and a rank-step's bytes. A StepLoads: clusterId, step,
 * stepStart, the rank count, then each rank without the clusterId and step it shares with its step (flagged, written
 * in full where it does not), and with its topic as a back-reference where it is the previous rank's (the ranks of a
 * batch run's partial step were all read from one file, whose path each carries).
 */
public final class LoadSerializers {

    private LoadSerializers() {}

    /** Stream type of {@link RankLoad}. */
    static final TypeInformation<RankLoad> RANK_LOAD = new Info<>(RankLoad.class, RankLoadSerializer::new);
    /** Stream type of {@link StepLoads}. */
    static final TypeInformation<StepLoads> STEP_LOADS = new Info<>(StepLoads.class, StepLoadsSerializer::new);

    private static final int ENTERING = 1;
    private static final int COMPUTE = 2;
    private static final int STEP_MICROS = 4;
    private static final int FROM_RANK_STEP = 8;
    /** In a StepLoads: the rank's clusterId and step are its step's. */
    private static final int OF_STEP = 16;

    private static final int SAMPLED = 32;
    /** Where the rank-step was read (sourceTopic, sourcePartition, sourceOffset): a repeat's dead letter names it. */
    private static final int SOURCE = 64;

    private static final int PAYLOAD = 128;
    /** The length of a rank's topic in a StepLoads when it is the previous rank's (-1: null). */
    private static final int SAME_TOPIC = -2;

    private static void writeString(String text, DataOutputView target) throws IOException {
        if (text == null) {
            target.writeInt(-1);
            return;
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        target.writeInt(bytes.length);
        target.write(bytes);
    }

    private static String readString(DataInputView source) throws IOException {
        return readString(source, null);
    }

    /** A string, or {@code previous} where it was written as {@link #SAME_TOPIC}. */
    private static String readString(DataInputView source, String previous) throws IOException {
        int length = source.readInt();
        if (length == SAME_TOPIC) {
            return previous;
        }
        if (length < 0) {
            return null;
        }
        byte[] bytes = new byte[length];
        source.readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static void writeRank(RankLoad load, DataOutputView target, StepLoads step, String previousTopic)
            throws IOException {
        boolean ofStep =
                step != null && load.step == step.step && java.util.Objects.equals(load.clusterId, step.clusterId);
        int flags = (load.enteringTokens != null ? ENTERING : 0)
                | (load.computeMicros != null ? COMPUTE : 0)
                | (load.stepMicros != null ? STEP_MICROS : 0)
                | (load.fromRankStep ? FROM_RANK_STEP : 0)
                | (ofStep ? OF_STEP : 0)
                | (load.sampledSteps != null ? SAMPLED : 0)
                | (load.sourceTopic != null ? SOURCE : 0)
                | (load.payload != null ? PAYLOAD : 0);
        target.writeByte(flags);
        if (!ofStep) {
            writeString(load.clusterId, target);
            target.writeLong(load.step);
        }
        target.writeInt(load.rank);
        target.writeLong(load.time);
        target.writeInt(load.running);
        target.writeLong(load.kvTokens);
        target.writeLong(load.records);
        if (load.enteringTokens != null) {
            target.writeLong(load.enteringTokens);
        }
        if (load.computeMicros != null) {
            target.writeLong(load.computeMicros);
        }
        if (load.stepMicros != null) {
            target.writeLong(load.stepMicros);
        }
        if (load.sampledSteps != null) {
            target.writeLong(load.sampledSteps);
        }
        if (load.sourceTopic != null) {
            if (load.sourceTopic.equals(previousTopic)) {
                target.writeInt(SAME_TOPIC);
            } else {
                writeString(load.sourceTopic, target);
            }
            target.writeInt(load.sourcePartition);
            target.writeLong(load.sourceOffset);
            writeTokenSources(load, target);
        }
        if (load.payload != null) {
            target.writeInt(load.payload.length);
            target.write(load.payload);
        }
    }

    private static RankLoad readRank(DataInputView source, StepLoads step, String previousTopic) throws IOException {
        RankLoad load = new RankLoad();
        int flags = source.readUnsignedByte();
        if ((flags & OF_STEP) != 0) {
            load.clusterId = step.clusterId;
            load.step = step.step;
        } else {
            load.clusterId = readString(source);
            load.step = source.readLong();
        }
        load.rank = source.readInt();
        load.time = source.readLong();
        load.running = source.readInt();
        load.kvTokens = source.readLong();
        load.records = source.readLong();
        load.enteringTokens = (flags & ENTERING) != 0 ? source.readLong() : null;
        load.computeMicros = (flags & COMPUTE) != 0 ? source.readLong() : null;
        load.stepMicros = (flags & STEP_MICROS) != 0 ? source.readLong() : null;
        load.sampledSteps = (flags & SAMPLED) != 0 ? source.readLong() : null;
        load.fromRankStep = (flags & FROM_RANK_STEP) != 0;
        if ((flags & SOURCE) != 0) {
            load.sourceTopic = readString(source, previousTopic);
            load.sourcePartition = source.readInt();
            load.sourceOffset = source.readLong();
            readTokenSources(load, source);
        }
        if ((flags & PAYLOAD) != 0) {
            load.payload = new byte[source.readInt()];
            source.readFully(load.payload);
        }
        return load;
    }

    private static RankLoad copyRank(RankLoad from) {
        RankLoad copy = new RankLoad();
        copy.clusterId = from.clusterId;
        copy.rank = from.rank;
        copy.step = from.step;
        copy.time = from.time;
        copy.running = from.running;
        copy.kvTokens = from.kvTokens;
        copy.records = from.records;
        copy.enteringTokens = from.enteringTokens;
        copy.computeMicros = from.computeMicros;
        copy.stepMicros = from.stepMicros;
        copy.sampledSteps = from.sampledSteps;
        copy.sourceTopic = from.sourceTopic;
        copy.sourcePartition = from.sourcePartition;
        copy.sourceOffset = from.sourceOffset;
        copy.payload = from.payload;
        copy.tokenPartitions = from.tokenPartitions == null ? null : from.tokenPartitions.clone();
        copy.tokenOffsets = from.tokenOffsets == null ? null : from.tokenOffsets.clone();
        copy.fromRankStep = from.fromRankStep;
        return copy;
    }

    /**
     * A token share's token positions: their count plus one (0: none), then each token's partition and its offset's
     * difference from the previous token's, as variable-length integers (a share's tokens are mostly of one partition,
     * offsets close by): a few bytes per token.
     */
    private static void writeTokenSources(RankLoad load, DataOutputView target) throws IOException {
        if (load.tokenOffsets == null) {
            writeVarLong(0, target);
            return;
        }
        int count = load.tokenOffsets.length;
        writeVarLong(count + 1L, target);
        long previous = 0;
        for (int i = 0; i < count; i++) {
            writeVarLong(load.tokenPartitions[i], target);
            long delta = load.tokenOffsets[i] - previous;
            writeVarLong((delta << 1) ^ (delta >> 63), target);
            previous = load.tokenOffsets[i];
        }
    }

    private static void readTokenSources(RankLoad load, DataInputView source) throws IOException {
        int count = Math.toIntExact(readVarLong(source)) - 1;
        if (count < 0) {
            return;
        }
        load.tokenPartitions = new int[count];
        load.tokenOffsets = new long[count];
        long previous = 0;
        for (int i = 0; i < count; i++) {
            load.tokenPartitions[i] = Math.toIntExact(readVarLong(source));
            long zigzag = readVarLong(source);
            previous += (zigzag >>> 1) ^ -(zigzag & 1);
            load.tokenOffsets[i] = previous;
        }
    }

    private static void writeVarLong(long value, DataOutputView target) throws IOException {
        while ((value & ~0x7FL) != 0) {
            target.writeByte((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        target.writeByte((int) value);
    }

    private static long readVarLong(DataInputView source) throws IOException {
        long value = 0;
        for (int shift = 0; ; shift += 7) {
            int b = source.readUnsignedByte();
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
    }

    /** The serializer of {@link RankLoad} on streams. Stateless. */
    public static final class RankLoadSerializer extends Base<RankLoad> {
        private static final long serialVersionUID = 1L;

        @Override
        public TypeSerializer<RankLoad> duplicate() {
            return this;
        }

        @Override
        public RankLoad createInstance() {
            return new RankLoad();
        }

        @Override
        public RankLoad copy(RankLoad from) {
            return copyRank(from);
        }

        @Override
        public void serialize(RankLoad record, DataOutputView target) throws IOException {
            writeRank(record, target, null, null);
        }

        @Override
        public RankLoad deserialize(DataInputView source) throws IOException {
            return readRank(source, null, null);
        }

        @Override
        public TypeSerializerSnapshot<RankLoad> snapshotConfiguration() {
            return new RankLoadSnapshot();
        }
    }

    /** The serializer of {@link StepLoads} on streams. Stateless. */
    public static final class StepLoadsSerializer extends Base<StepLoads> {
        private static final long serialVersionUID = 1L;

        @Override
        public TypeSerializer<StepLoads> duplicate() {
            return this;
        }

        @Override
        public StepLoads createInstance() {
            return new StepLoads();
        }

        @Override
        public StepLoads copy(StepLoads from) {
            RankLoad[] ranks = null;
            if (from.ranks != null) {
                ranks = new RankLoad[from.ranks.length];
                for (int i = 0; i < ranks.length; i++) {
                    ranks[i] = from.ranks[i] == null ? null : copyRank(from.ranks[i]);
                }
            }
            return StepLoads.of(from.clusterId, from.step, from.stepStart, ranks);
        }

        @Override
        public void serialize(StepLoads record, DataOutputView target) throws IOException {
            writeString(record.clusterId, target);
            target.writeLong(record.step);
            target.writeLong(record.stepStart);
            if (record.ranks == null) {
                target.writeInt(-1);
                return;
            }
            target.writeInt(record.ranks.length);
            String previousTopic = null;
            for (RankLoad rank : record.ranks) {
                writeRank(rank, target, record, previousTopic);
                previousTopic = rank.sourceTopic;
            }
        }

        @Override
        public StepLoads deserialize(DataInputView source) throws IOException {
            StepLoads step = new StepLoads();
            step.clusterId = readString(source);
            step.step = source.readLong();
            step.stepStart = source.readLong();
            int count = source.readInt();
            if (count >= 0) {
                step.ranks = new RankLoad[count];
                String previousTopic = null;
                for (int i = 0; i < count; i++) {
                    step.ranks[i] = readRank(source, step, previousTopic);
                    previousTopic = step.ranks[i].sourceTopic;
                }
            }
            return step;
        }

        @Override
        public TypeSerializerSnapshot<StepLoads> snapshotConfiguration() {
            return new StepLoadsSnapshot();
        }
    }

    /** What the two serializers share: mutable types, variable length, no reuse. */
    public abstract static class Base<T> extends TypeSerializer<T> {
        private static final long serialVersionUID = 1L;

        @Override
        public boolean isImmutableType() {
            return false;
        }

        @Override
        public T copy(T from, T reuse) {
            return copy(from);
        }

        @Override
        public int getLength() {
            return -1;
        }

        @Override
        public T deserialize(T reuse, DataInputView source) throws IOException {
            return deserialize(source);
        }

        @Override
        public void copy(DataInputView source, DataOutputView target) throws IOException {
            serialize(deserialize(source), target);
        }

        @Override
        public boolean equals(Object o) {
            return o != null && o.getClass() == getClass();
        }

        @Override
        public int hashCode() {
            return getClass().hashCode();
        }
    }

    /** One format so far. */
    public static final class RankLoadSnapshot extends SimpleTypeSerializerSnapshot<RankLoad> {
        public RankLoadSnapshot() {
            super(RankLoadSerializer::new);
        }
    }

    /** One format so far. */
    public static final class StepLoadsSnapshot extends SimpleTypeSerializerSnapshot<StepLoads> {
        public StepLoadsSnapshot() {
            super(StepLoadsSerializer::new);
        }
    }

    /** An atomic type with one of these serializers. */
    static final class Info<T> extends TypeInformation<T> {
        private static final long serialVersionUID = 1L;

        private final Class<T> type;
        private final SerializableSupplier<TypeSerializer<T>> serializer;

        Info(Class<T> type, SerializableSupplier<TypeSerializer<T>> serializer) {
            this.type = type;
            this.serializer = serializer;
        }

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
        public Class<T> getTypeClass() {
            return type;
        }

        @Override
        public boolean isKeyType() {
            return false;
        }

        @Override
        public TypeSerializer<T> createSerializer(SerializerConfig config) {
            return serializer.get();
        }

        @Override
        public String toString() {
            return type.getSimpleName() + "(field by field)";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Info<?> other && other.type == type;
        }

        @Override
        public int hashCode() {
            return type.hashCode();
        }

        @Override
        public boolean canEqual(Object o) {
            return o instanceof Info<?>;
        }
    }

    interface SerializableSupplier<T> extends Supplier<T>, java.io.Serializable {}
}
