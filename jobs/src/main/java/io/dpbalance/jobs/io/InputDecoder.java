package io.dpbalance.jobs.io;

import io.dpbalance.schemas.AvroCodec;
import io.dpbalance.schemas.Codecs;
import io.dpbalance.schemas.DecodeResult;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import org.apache.avro.specific.SpecificRecord;

/**
 * Turns the bytes of one input record into an {@link InputRecord}: decoded and checked, or marked undecodable with the
 * codec's reason. Never throws. Holds the record class, not the codec (which is not serializable): the codec is looked
 * up on first use in each task.
 *
 * <p>Checks what all record types share against the {@link InputLimits} (the key's length, the {@code cluster_id}),
 * then the type's own {@link RecordCheck}.
 *
 * @param <T> the record type
 */
public final class InputDecoder<T extends SpecificRecord> implements Serializable {

    private static final long serialVersionUID = 1L;

    private final Class<T> type;
    private final InputLimits limits;
    private final RecordCheck<T> check;
    private final boolean validFilePayloads;
    private transient AvroCodec<T> codec;
    private transient int clusterField;

    public InputDecoder(Class<T> type, InputLimits limits, RecordCheck<T> check) {
        this(type, limits, check, true);
    }

    private InputDecoder(Class<T> type, InputLimits limits, RecordCheck<T> check, boolean validFilePayloads) {
        this.type = type;
        this.limits = limits;
        this.check = check;
        this.validFilePayloads = validFilePayloads;
    }

    /**
     * This decoder, except that a valid record read from a file ({@link #ofDecoded}) carries an empty payload instead
     * of its re-encoding: for a job whose valid records never become dead letters (only an invalid record's bytes are
     * written out), the encoding would be work for nothing.
     */
    public InputDecoder<T> withoutValidFilePayloads() {
        return new InputDecoder<>(type, limits, check, false);
    }

    public Class<T> type() {
        return type;
    }

    /**
     * @param key the record's key bytes (UTF-8 {@code cluster_id} or {@code cluster_id/rank}); null when it has none
     */
    public InputRecord<T> decode(String topic, int partition, long offset, byte[] key, byte[] payload) {
        DecodeResult<T> result = codec().decode(payload);
        if (result instanceof DecodeResult.Decoded<T> decoded) {
            T value = decoded.value();
            String problem = limits.keyProblem(key);
            return InputRecord.decoded(
                    topic,
                    partition,
                    offset,
                    clusterOf(value),
                    payload,
                    value,
                    problem != null ? problem : problem(value));
        }
        // Only the key can say the cluster of bytes that do not decode.
        DecodeResult.Failed<T> failed = (DecodeResult.Failed<T>) result;
        return InputRecord.undecodable(
                topic,
                partition,
                offset,
                clusterOfKey(key),
                payload,
                failed.reason().name() + ": " + failed.detail());
    }

    /**
     * An already decoded record (file input), re-encoded as its payload (an invalid one always; a valid one unless
     * {@link #withoutValidFilePayloads}).
     */
    public InputRecord<T> ofDecoded(String topic, long offset, T value) {
        codec();
        String problem = problem(value);
        byte[] payload = problem != null || validFilePayloads ? codec().encode(value) : null;
        return InputRecord.decoded(topic, -1, offset, clusterOf(value), payload, value, problem);
    }

    private String problem(T value) {
        String cluster = limits.clusterIdProblem((CharSequence) value.get(clusterField));
        return cluster != null ? cluster : check.problem(value);
    }

    private AvroCodec<T> codec() {
        if (codec == null) {
            codec = Codecs.codec(type);
            clusterField = codec.schema().getField("cluster_id").pos();
        }
        return codec;
    }

    private String clusterOf(T value) {
        return String.valueOf(value.get(clusterField));
    }

    /** The cluster part of a docs/design.md §6 key: the whole key, or what stands before the '/' of a per-rank key. */
    static String clusterOfKey(byte[] key) {
        if (key == null) {
            return "";
        }
        String text = new String(key, StandardCharsets.UTF_8);
        int slash = text.lastIndexOf('/');
        return slash < 0 ? text : text.substring(0, slash);
    }
}
