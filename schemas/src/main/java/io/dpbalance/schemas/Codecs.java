package io.dpbalance.schemas;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;

/**
 * The codec of every record of the Kafka topics, built once from the schema history on the classpath, and decoding
 * of payloads whose record type is not known in advance (the dead-letter path, inspection tools).
 *
 * <p>Serializable wrappers (Flink schemas, Kafka serdes) should keep the record class and look the codec up here,
 * rather than serialize a codec.
 */
public final class Codecs {

    private static final List<Class<? extends SpecificRecord>> RECORD_TYPES = List.of(
            RequestArrival.class,
            TokenEvent.class,
            RankStep.class,
            StepMetrics.class,
            WindowMetrics.class,
            Assignment.class,
            DeadLetter.class);

    private static final Map<Class<? extends SpecificRecord>, List<SchemaVersion>> HISTORIES = loadHistories();
    private static final Map<Long, SchemaVersion> VERSIONS_BY_FINGERPRINT = versionsByFingerprint();
    private static final Map<Class<?>, AvroCodec<?>> CODECS = newCodecs();
    private static final List<AvroCodec<?>> ALL = List.copyOf(CODECS.values());

    /** The codec of {@link RequestArrival} (default topic {@code dp.requests}). */
    public static final AvroCodec<RequestArrival> REQUEST_ARRIVAL = codec(RequestArrival.class);
    /** The codec of {@link TokenEvent} (default topic {@code dp.token-events}). */
    public static final AvroCodec<TokenEvent> TOKEN_EVENT = codec(TokenEvent.class);
    /** The codec of {@link RankStep} (default topic {@code dp.rank-steps}). */
    public static final AvroCodec<RankStep> RANK_STEP = codec(RankStep.class);
    /** The codec of {@link StepMetrics} (default topic {@code dp.step-metrics}). */
    public static final AvroCodec<StepMetrics> STEP_METRICS = codec(StepMetrics.class);
    /** The codec of {@link WindowMetrics} (default topic {@code dp.window-metrics}). */
    public static final AvroCodec<WindowMetrics> WINDOW_METRICS = codec(WindowMetrics.class);
    /** The codec of {@link Assignment} (default topic {@code dp.assignments}). */
    public static final AvroCodec<Assignment> ASSIGNMENT = codec(Assignment.class);
    /** The codec of {@link DeadLetter} (default topic {@code dp.dead-letter}). */
    public static final AvroCodec<DeadLetter> DEAD_LETTER = codec(DeadLetter.class);

    private Codecs() {}

    private static Map<Class<? extends SpecificRecord>, List<SchemaVersion>> loadHistories() {
        Map<Class<? extends SpecificRecord>, List<SchemaVersion>> histories = new LinkedHashMap<>();
        RECORD_TYPES.forEach(type -> histories.put(type, SchemaHistory.load(type)));
        return Collections.unmodifiableMap(histories);
    }

    private static Map<Long, SchemaVersion> versionsByFingerprint() {
        Map<Long, SchemaVersion> versions = new HashMap<>();
        HISTORIES.values().forEach(history -> history.forEach(version -> versions.put(version.fingerprint(), version)));
        return Map.copyOf(versions);
    }

    private static Map<Class<?>, AvroCodec<?>> newCodecs() {
        Map<Class<?>, AvroCodec<?>> codecs = new LinkedHashMap<>();
        RECORD_TYPES.forEach(type -> codecs.put(type, newCodec(type)));
        return Collections.unmodifiableMap(codecs);
    }

    private static <T extends SpecificRecord> AvroCodec<T> newCodec(Class<T> type) {
        Map<Long, SchemaVersion> otherRecords = new HashMap<>(VERSIONS_BY_FINGERPRINT);
        otherRecords.values().removeIf(version -> version.type() == type);
        return new AvroCodec<>(type, HISTORIES.get(type), otherRecords);
    }

    /**
     * The codec of a record type.
     *
     * @throws IllegalArgumentException if {@code type} is not one of the records of the Kafka topics
     */
    @SuppressWarnings("unchecked") // CODECS maps every class to the codec of that class.
    public static <T extends SpecificRecord> AvroCodec<T> codec(Class<T> type) {
        AvroCodec<?> codec = CODECS.get(type);
        if (codec == null) {
            throw new IllegalArgumentException(
                    type.getName() + " is not a dpbalance record; known: " + CODECS.keySet());
        }
        return (AvroCodec<T>) codec;
    }

    /** The codecs of all records, in the order of the specification's record table. */
    public static List<AvroCodec<?>> all() {
        return ALL;
    }

    /**
     * The kept schema version that wrote a payload, judged by its header alone.
     *
     * @return empty if the header is missing or malformed or its fingerprint is unknown
     */
    public static Optional<SchemaVersion> identify(byte[] bytes) {
        if (AvroCodec.checkHeader(bytes, "record") != null) {
            return Optional.empty();
        }
        return Optional.ofNullable(VERSIONS_BY_FINGERPRINT.get(AvroCodec.fingerprintOf(bytes)));
    }

    /**
     * Decodes a payload of any dpbalance record, choosing the codec by the header's fingerprint; the decoded value's
     * class says which record it was.
     *
     * @return the record in its current class, or why it could not be decoded; never throws
     */
    public static DecodeResult<SpecificRecord> decodeAny(byte[] bytes) {
        DecodeResult.Failed<SpecificRecord> badHeader = AvroCodec.checkHeader(bytes, "record");
        if (badHeader != null) {
            return badHeader;
        }
        long fingerprint = AvroCodec.fingerprintOf(bytes);
        SchemaVersion writer = VERSIONS_BY_FINGERPRINT.get(fingerprint);
        if (writer == null) {
            return new DecodeResult.Failed<>(
                    DecodeResult.Reason.UNKNOWN_FINGERPRINT,
                    String.format("no kept schema of any record has fingerprint %016x", fingerprint));
        }
        return widen(codec(writer.type()).decode(bytes));
    }

    /** A result of a record subtype is a result of {@link SpecificRecord}: results are immutable. */
    private static DecodeResult<SpecificRecord> widen(DecodeResult<? extends SpecificRecord> result) {
        if (result instanceof DecodeResult.Decoded<? extends SpecificRecord> decoded) {
            return new DecodeResult.Decoded<>(decoded.value());
        }
        DecodeResult.Failed<? extends SpecificRecord> failed = (DecodeResult.Failed<? extends SpecificRecord>) result;
        return new DecodeResult.Failed<>(failed.reason(), failed.detail());
    }
}
