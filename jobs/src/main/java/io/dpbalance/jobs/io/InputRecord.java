package io.dpbalance.jobs.io;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;

/**
 * One record as read from an input topic or file: where it came from, its bytes, and either the decoded value or
 * why it is invalid. Sources produce these instead of throwing, so that a bad record becomes a dead letter that names
 * its topic, partition and offset while the job keeps running.
 *
 * <p>A record is valid when {@link #problem} is null. An invalid record may still carry its decoded {@link #value}
 * (it decoded but failed a range check) or not (its bytes could not be decoded).
 *
 * <p>A Flink POJO: public fields and a no-argument constructor; {@link #typeInfo} gives its type information with the
 * value's Avro type filled in.
 *
 * @param <T> the record type
 */
public final class InputRecord<T extends SpecificRecord> {

    /** Topic the record was read from; for file input, the file's path. */
    public String topic;
    /** Partition the record was read from; -1 for file input. */
    public int partition;
    /** Offset in the partition; for file input, the record's 0-based position in the file. */
    public long offset;
    /**
     * The record's cluster: its {@code cluster_id} when it decoded, else the cluster its key names ({@code cluster_id} or
     * {@code cluster_id/rank}); empty when unknown.
     */
    public String keyCluster;
    /** The value bytes exactly as read (for file input, the record re-encoded single-object). */
    public byte[] payload;
    /** The decoded record; null when the bytes could not be decoded. */
    public T value;
    /** Why the record is invalid, as a dead-letter reason ({@code CODE} or {@code CODE: detail}); null if valid. */
    public String problem;

    public InputRecord() {}

    /** A record whose bytes decoded to {@code value}, with the problem its checks found (null if none). */
    public static <T extends SpecificRecord> InputRecord<T> decoded(
            String topic, int partition, long offset, String keyCluster, byte[] payload, T value, String problem) {
        InputRecord<T> record = of(topic, partition, offset, keyCluster, payload, problem);
        record.value = Objects.requireNonNull(value, "value");
        return record;
    }

    /** A record whose bytes could not be decoded. */
    public static <T extends SpecificRecord> InputRecord<T> undecodable(
            String topic, int partition, long offset, String keyCluster, byte[] payload, String problem) {
        return of(topic, partition, offset, keyCluster, payload, Objects.requireNonNull(problem, "problem"));
    }

    private static <T extends SpecificRecord> InputRecord<T> of(
            String topic, int partition, long offset, String keyCluster, byte[] payload, String problem) {
        InputRecord<T> record = new InputRecord<>();
        record.topic = topic;
        record.partition = partition;
        record.offset = offset;
        record.keyCluster = keyCluster == null ? "" : keyCluster;
        record.payload = payload == null ? new byte[0] : payload;
        record.problem = problem;
        return record;
    }

    public boolean isValid() {
        return problem == null;
    }

    /** The Flink type of input records of one Avro record type. */
    @SuppressWarnings({"unchecked", "rawtypes"}) // Flink's POJO type is built from the raw class.
    public static <T extends SpecificRecord> TypeInformation<InputRecord<T>> typeInfo(Class<T> type) {
        return (TypeInformation) Types.POJO(
                InputRecord.class,
                Map.of(
                        "topic", Types.STRING,
                        "partition", Types.INT,
                        "offset", Types.LONG,
                        "keyCluster", Types.STRING,
                        "payload", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO,
                        "value", new AvroTypeInfo<>((Class) type),
                        "problem", Types.STRING));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InputRecord<?> other
                && partition == other.partition
                && offset == other.offset
                && Objects.equals(topic, other.topic)
                && Objects.equals(keyCluster, other.keyCluster)
                && Arrays.equals(payload, other.payload)
                && Objects.equals(value, other.value)
                && Objects.equals(problem, other.problem);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, partition, offset, value);
    }

    @Override
    public String toString() {
        return topic + "[" + partition + "]@" + offset + (problem == null ? " " + value : " invalid: " + problem);
    }
}
