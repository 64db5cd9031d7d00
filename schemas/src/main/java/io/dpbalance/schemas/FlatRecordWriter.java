package io.dpbalance.schemas;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.util.Utf8;

/**
 * Avro single-object encoding of a flat record (fields of primitive types, {@code timestamp-millis} longs and unions
 * of {@code null} with one of them), field by field from a plan made once from the schema: the same bytes as Avro's
 * {@code BinaryMessageEncoder} writes, without its per-field union resolution, boxing checks and stream layers, which
 * cost more than the jobs' own work per output record (docs/measurements.md, "Job throughput").
 *
 * <p>{@link #compile} returns null for a schema it does not cover (nested records, arrays, maps, enums, fixed, other
 * logical types), and {@link #encode} returns null for a record it cannot write as planned (a null in a required
 * field, a value of an unexpected class): the caller then uses Avro's encoder, which writes or fails as it always did.
 * {@code FlatRecordWriterTest} checks the bytes against Avro's for every record type.
 */
final class FlatRecordWriter {

    private enum Kind {
        BOOLEAN,
        INT,
        LONG,
        TIMESTAMP_MILLIS,
        FLOAT,
        DOUBLE,
        STRING,
        BYTES
    }

    /** One field: its position, its kind and, for a union with null, the branch indexes of null and of the value. */
    private record Field(int pos, Kind kind, int nullBranch, int valueBranch) {
        boolean nullable() {
            return nullBranch >= 0;
        }
    }

    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[256]);

    private final byte[] header;
    private final Field[] fields;

    private FlatRecordWriter(byte[] header, Field[] fields) {
        this.header = header;
        this.fields = fields;
    }

    /** The writer of {@code schema}'s records, or null when the schema is not flat as this class needs. */
    static FlatRecordWriter compile(Schema schema, long fingerprint) {
        if (schema.getType() != Schema.Type.RECORD) {
            return null;
        }
        List<Field> plan = new ArrayList<>();
        for (Schema.Field f : schema.getFields()) {
            Schema type = f.schema();
            int nullBranch = -1;
            int valueBranch = -1;
            if (type.getType() == Schema.Type.UNION) {
                List<Schema> branches = type.getTypes();
                if (branches.size() != 2) {
                    return null;
                }
                nullBranch = branches.get(0).getType() == Schema.Type.NULL
                        ? 0
                        : branches.get(1).getType() == Schema.Type.NULL ? 1 : -1;
                if (nullBranch < 0) {
                    return null;
                }
                valueBranch = 1 - nullBranch;
                type = branches.get(valueBranch);
            }
            Kind kind = kind(type);
            if (kind == null) {
                return null;
            }
            plan.add(new Field(f.pos(), kind, nullBranch, valueBranch));
        }
        byte[] header = ByteBuffer.allocate(AvroCodec.HEADER_LENGTH)
                .order(ByteOrder.LITTLE_ENDIAN)
                .put((byte) 0xC3)
                .put((byte) 0x01)
                .putLong(fingerprint)
                .array();
        return new FlatRecordWriter(header, plan.toArray(new Field[0]));
    }

    private static Kind kind(Schema type) {
        LogicalType logical = type.getLogicalType();
        if (logical != null) {
            return logical instanceof LogicalTypes.TimestampMillis && type.getType() == Schema.Type.LONG
                    ? Kind.TIMESTAMP_MILLIS
                    : null;
        }
        return switch (type.getType()) {
            case BOOLEAN -> Kind.BOOLEAN;
            case INT -> Kind.INT;
            case LONG -> Kind.LONG;
            case FLOAT -> Kind.FLOAT;
            case DOUBLE -> Kind.DOUBLE;
            case STRING -> Kind.STRING;
            case BYTES -> Kind.BYTES;
            default -> null;
        };
    }

    /** The single-object encoded record, or null when a field holds what the plan does not expect. */
    byte[] encode(IndexedRecord record) {
        byte[] buf = SCRATCH.get();
        int p = header.length;
        if (buf.length < p) {
            buf = grow(buf, p);
        }
        System.arraycopy(header, 0, buf, 0, p);
        for (Field f : fields) {
            Object value = record.get(f.pos);
            if (buf.length - p < 32) {
                buf = grow(buf, p + 32);
            }
            if (f.nullable()) {
                if (value == null) {
                    p = writeVarLong(buf, p, f.nullBranch);
                    continue;
                }
                p = writeVarLong(buf, p, f.valueBranch);
            } else if (value == null) {
                return null;
            }
            switch (f.kind) {
                case BOOLEAN -> {
                    if (!(value instanceof Boolean b)) {
                        return null;
                    }
                    buf[p++] = (byte) (b ? 1 : 0);
                }
                case INT -> {
                    if (!(value instanceof Integer i)) {
                        return null;
                    }
                    p = writeVarLong(buf, p, i);
                }
                case LONG -> {
                    if (!(value instanceof Long l)) {
                        return null;
                    }
                    p = writeVarLong(buf, p, l);
                }
                case TIMESTAMP_MILLIS -> {
                    if (!(value instanceof Instant t)) {
                        return null;
                    }
                    p = writeVarLong(buf, p, t.toEpochMilli());
                }
                case FLOAT -> {
                    if (!(value instanceof Float x)) {
                        return null;
                    }
                    p = writeLittleEndian(buf, p, Float.floatToRawIntBits(x), 4);
                }
                case DOUBLE -> {
                    if (!(value instanceof Double x)) {
                        return null;
                    }
                    p = writeLittleEndian(buf, p, Double.doubleToRawLongBits(x), 8);
                }
                case STRING -> {
                    byte[] bytes;
                    int length;
                    if (value instanceof Utf8 u) {
                        bytes = u.getBytes();
                        length = u.getByteLength();
                    } else if (value instanceof CharSequence s) {
                        bytes = s.toString().getBytes(StandardCharsets.UTF_8);
                        length = bytes.length;
                    } else {
                        return null;
                    }
                    buf = ensure(buf, p, length);
                    p = writeVarLong(buf, p, length);
                    System.arraycopy(bytes, 0, buf, p, length);
                    p += length;
                }
                case BYTES -> {
                    if (!(value instanceof ByteBuffer b)) {
                        return null;
                    }
                    int length = b.remaining();
                    buf = ensure(buf, p, length);
                    p = writeVarLong(buf, p, length);
                    b.duplicate().get(buf, p, length);
                    p += length;
                }
                default -> throw new IllegalStateException("unplanned kind " + f.kind);
            }
        }
        return Arrays.copyOf(buf, p);
    }

    private static byte[] ensure(byte[] buf, int p, int length) {
        return buf.length - p < length + 16 ? grow(buf, p + length + 16) : buf;
    }

    private static byte[] grow(byte[] buf, int needed) {
        byte[] bigger = Arrays.copyOf(buf, Math.max(needed, 2 * buf.length));
        SCRATCH.set(bigger);
        return bigger;
    }

    /** Avro's float and double encoding: the raw IEEE bits, {@code bytes} of them, low byte first. */
    private static int writeLittleEndian(byte[] buf, int p, long bits, int bytes) {
        for (int k = 0; k < bytes; k++) {
            buf[p++] = (byte) (bits >>> (8 * k));
        }
        return p;
    }

    /** Avro's int and long encoding: zig-zag, then 7 bits a byte, low bits first. */
    private static int writeVarLong(byte[] buf, int p, long value) {
        long n = (value << 1) ^ (value >> 63);
        while ((n & ~0x7FL) != 0) {
            buf[p++] = (byte) ((n & 0x7F) | 0x80);
            n >>>= 7;
        }
        buf[p++] = (byte) n;
        return p;
    }
}
