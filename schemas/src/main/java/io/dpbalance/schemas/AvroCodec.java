package io.dpbalance.schemas;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Encodes one record type to Avro single-object encoding (marker {@code C3 01}, the writer schema's 8-byte
 * little-endian CRC-64-AVRO fingerprint, the binary body) and decodes such payloads written with any kept version
 * of its schema into the current generated class.
 *
 * <p>Decoding never throws: every problem comes back as a {@link DecodeResult.Failed} with a reason. Before Avro
 * decodes a body, the body is walked against its writer schema without materializing it, so that a corrupted length
 * prefix is caught as {@link DecodeResult.Reason#CORRUPT_BODY} instead of making Avro allocate an array of that
 * length (up to 2 GiB per string); the walk also rejects bytes left over after the record.
 *
 * <p>Instances are immutable and thread-safe; get them from {@link Codecs}. Timestamps are
 * {@link java.time.Instant}s in the generated classes and travel as epoch milliseconds, so sub-millisecond precision
 * is dropped on encoding.
 *
 * @param <T> the generated record class
 */
public final class AvroCodec<T extends SpecificRecord> {

    static final int HEADER_LENGTH = 10;
    private static final byte MARKER_0 = (byte) 0xC3;
    private static final byte MARKER_1 = (byte) 0x01;

    private final Class<T> type;
    private final Schema schema;
    private final long fingerprint;
    private final List<SchemaVersion> history;
    private final SchemaStore.Cache writerSchemas = new SchemaStore.Cache();
    private final Map<Long, SchemaVersion> otherRecords;
    private final BinaryMessageEncoder<T> encoder;
    private final BinaryMessageDecoder<T> decoder;
    /** The field-by-field writer of flat records (every record type here), null for a schema it does not cover. */
    private final FlatRecordWriter flat;

    /**
     * @param type the generated class
     * @param history the kept versions of its schema, oldest first
     * @param otherRecords kept versions of the other records by fingerprint, to tell a payload of the wrong record
     *     type from an unknown one
     */
    AvroCodec(Class<T> type, List<SchemaVersion> history, Map<Long, SchemaVersion> otherRecords) {
        this.type = type;
        // The class's own model carries the logical-type conversions (timestamp-millis to Instant) of the generated
        // code.
        SpecificData model = SpecificData.getForClass(type);
        this.schema = model.getSchema(type);
        this.fingerprint = SchemaNormalization.parsingFingerprint64(schema);
        this.history = List.copyOf(history);
        this.otherRecords = Map.copyOf(otherRecords);
        history.forEach(version -> writerSchemas.addSchema(version.schema()));
        // Also the current schema itself, so that this codec reads its own output even if the history lacks it
        // (SchemaCompatibilityTest fails the build in that case).
        writerSchemas.addSchema(schema);
        this.encoder = new BinaryMessageEncoder<>(model, schema);
        this.decoder = new BinaryMessageDecoder<>(model, schema, writerSchemas);
        this.flat = FlatRecordWriter.compile(schema, fingerprint);
    }

    /** The generated class this codec reads and writes. */
    public Class<T> type() {
        return type;
    }

    /** The current schema: the one the generated class was built from and that {@link #encode} writes. */
    public Schema schema() {
        return schema;
    }

    /** The fingerprint of the current schema, as written in the header of every encoded payload. */
    public long fingerprint() {
        return fingerprint;
    }

    /** The kept versions of the schema, oldest first; the newest is the current schema. */
    public List<SchemaVersion> history() {
        return history;
    }

    /**
     * Encodes a record with the current schema.
     *
     * @return the single-object encoded bytes
     * @throws IllegalArgumentException if the record cannot be written, e.g. a required field is null
     */
    public byte[] encode(T value) {
        byte[] bytes = flat == null || value == null ? null : flat.encode(value);
        return bytes != null ? bytes : encodeWithAvro(value);
    }

    /** Encodes with Avro's own encoder: the reference {@link FlatRecordWriter} must match, and the fallback. */
    byte[] encodeWithAvro(T value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        try {
            encoder.encode(value, out);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot encode " + type.getSimpleName(), e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("Cannot encode " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    /**
     * Decodes a single-object encoded payload written with any kept version of this record's schema. Fields the writer
     * did not have take their defaults.
     *
     * @param bytes the payload; null counts as empty
     * @return the record, or why it could not be decoded; never throws
     */
    public DecodeResult<T> decode(byte[] bytes) {
        DecodeResult.Failed<T> badHeader = checkHeader(bytes, type.getSimpleName());
        if (badHeader != null) {
            return badHeader;
        }
        long writerFingerprint = fingerprintOf(bytes);
        Schema writer = writerSchemas.findByFingerprint(writerFingerprint);
        if (writer == null) {
            SchemaVersion other = otherRecords.get(writerFingerprint);
            if (other != null) {
                return new DecodeResult.Failed<>(
                        DecodeResult.Reason.WRONG_RECORD,
                        "expected " + type.getSimpleName() + ", payload holds " + other.label());
            }
            return new DecodeResult.Failed<>(
                    DecodeResult.Reason.UNKNOWN_FINGERPRINT,
                    String.format("%s: no kept schema has fingerprint %016x", type.getSimpleName(), writerFingerprint));
        }
        try {
            String bodyProblem = checkBody(bytes, writer);
            if (bodyProblem != null) {
                return corruptBody(bodyProblem);
            }
            return new DecodeResult.Decoded<>(decoder.decode(bytes));
        } catch (Exception e) {
            // Avro reports bad data with IOExceptions (EOF, invalid varints) and with a variety of runtime exceptions
            // (AvroRuntimeException, AvroTypeException, IndexOutOfBoundsException for a bad union branch, ...).
            return corruptBody(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "AvroCodec[" + type.getSimpleName() + ", v"
                + history.get(history.size() - 1).version() + "]";
    }

    private DecodeResult.Failed<T> corruptBody(String problem) {
        return new DecodeResult.Failed<>(DecodeResult.Reason.CORRUPT_BODY, type.getSimpleName() + " body: " + problem);
    }

    /**
     * Walks the body against the writer schema without allocating what it declares: skipping checks every declared
     * length against the bytes that remain.
     *
     * @return null if the body is exactly one record of the writer schema, else what is wrong
     */
    private static String checkBody(byte[] bytes, Schema writer) throws IOException {
        BinaryDecoder body =
                DecoderFactory.get().binaryDecoder(bytes, HEADER_LENGTH, bytes.length - HEADER_LENGTH, null);
        GenericDatumReader.skip(writer, body);
        return body.isEnd() ? null : "bytes left over after the record";
    }

    /**
     * Checks the single-object header.
     *
     * @param expected what the payload should hold, for the failure detail
     * @return null if the payload has a full header with the right marker, else the failure
     */
    static <R> DecodeResult.Failed<R> checkHeader(byte[] bytes, String expected) {
        if (bytes == null || bytes.length == 0) {
            return new DecodeResult.Failed<>(DecodeResult.Reason.EMPTY, expected + ": no bytes");
        }
        if (bytes.length < HEADER_LENGTH) {
            return new DecodeResult.Failed<>(
                    DecodeResult.Reason.TOO_SHORT,
                    expected + ": " + bytes.length + " bytes, the header alone takes " + HEADER_LENGTH);
        }
        if (bytes[0] != MARKER_0 || bytes[1] != MARKER_1) {
            return new DecodeResult.Failed<>(
                    DecodeResult.Reason.BAD_MARKER,
                    String.format("%s: starts with %02X %02X, expected C3 01", expected, bytes[0], bytes[1]));
        }
        return null;
    }

    /** The writer fingerprint of a payload whose header {@link #checkHeader passed}. */
    static long fingerprintOf(byte[] bytes) {
        return ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }
}
