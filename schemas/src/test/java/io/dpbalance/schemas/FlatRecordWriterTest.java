package io.dpbalance.schemas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.Utf8;
import org.junit.jupiter.api.Test;

/** The field-by-field writer writes exactly Avro's bytes, for every record type, and steps aside where it cannot. */
class FlatRecordWriterTest {

    private static final long[] EDGE_LONGS = {
        0,
        1,
        -1,
        63,
        64,
        -64,
        -65,
        127,
        128,
        8191,
        8192,
        Integer.MAX_VALUE,
        Integer.MIN_VALUE,
        Long.MAX_VALUE,
        Long.MIN_VALUE,
        1_767_225_600_000L
    };
    private static final double[] EDGE_DOUBLES = {
        0.0,
        -0.0,
        Double.NaN,
        Double.longBitsToDouble(0x7ff8000000000123L),
        Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY,
        Double.MIN_VALUE,
        Double.MAX_VALUE,
        1e-300,
        0.1
    };
    private static final String[] EDGE_STRINGS = {
        "", "a", "dp-a", "ünïcødé", "日本語", "\uD83D\uDE00", "\uD800 lone", "x".repeat(300)
    };

    @Test
    void writesAvrosBytesForRandomRecordsOfEveryType() throws Exception {
        Random random = new Random(12);
        for (AvroCodec<?> codec : Codecs.all()) {
            assertNotNull(
                    FlatRecordWriter.compile(codec.schema(), codec.fingerprint()),
                    codec + ": every record type is flat, so every one takes the fast path");
            for (int i = 0; i < 2_000; i++) {
                assertSameBytes(codec, randomRecord(codec, random));
            }
        }
    }

    @Test
    void writesTheSampleRecordsAsAvroDoes() {
        assertSameBytes(Codecs.REQUEST_ARRIVAL, TestRecords.requestArrivalWithOptionals());
        assertSameBytes(Codecs.REQUEST_ARRIVAL, TestRecords.requestArrivalWithoutOptionals());
        assertSameBytes(Codecs.TOKEN_EVENT, TestRecords.tokenEvent(true));
        assertSameBytes(Codecs.RANK_STEP, TestRecords.rankStepWithOptionals());
        assertSameBytes(Codecs.RANK_STEP, TestRecords.rankStepWithoutOptionals());
    }

    @Test
    void aRequiredFieldLeftNullStillFailsAsAvroSaysIt() {
        StepMetrics record = new StepMetrics();
        FlatRecordWriter flat =
                FlatRecordWriter.compile(Codecs.STEP_METRICS.schema(), Codecs.STEP_METRICS.fingerprint());
        assertNull(flat.encode(record), "no fast bytes for a record missing required fields");
        assertThrows(IllegalArgumentException.class, () -> Codecs.STEP_METRICS.encode(record));
    }

    @Test
    void writesFloatsAndBooleansAsAvroDoes() throws Exception {
        // No record type has a float yet: a schema of its own, against Avro's encoder.
        Schema schema = new Schema.Parser()
                .parse("{\"type\":\"record\",\"name\":\"F\",\"fields\":["
                        + "{\"name\":\"f\",\"type\":\"float\"},{\"name\":\"g\",\"type\":[\"float\",\"null\"]},"
                        + "{\"name\":\"b\",\"type\":\"boolean\"}]}");
        FlatRecordWriter flat = FlatRecordWriter.compile(schema, 7);
        BinaryMessageEncoder<GenericRecord> avro = new BinaryMessageEncoder<>(GenericData.get(), schema);
        Random random = new Random(3);
        float[] edges = {0f, -0f, Float.NaN, Float.intBitsToFloat(0x7fc00123), Float.MIN_VALUE, Float.MAX_VALUE, 1.5f};
        for (int i = 0; i < 500; i++) {
            GenericRecord record = new GenericData.Record(schema);
            record.put("f", i < edges.length ? edges[i] : (float) random.nextGaussian());
            record.put("g", random.nextBoolean() ? null : random.nextFloat());
            record.put("b", random.nextBoolean());
            byte[] expected = avro.encode(record).array();
            byte[] fast = flat.encode(record);
            // The header's fingerprint is this test's 7, not the schema's: compare the bodies.
            assertArrayEquals(
                    java.util.Arrays.copyOfRange(expected, AvroCodec.HEADER_LENGTH, expected.length),
                    java.util.Arrays.copyOfRange(fast, AvroCodec.HEADER_LENGTH, fast.length),
                    record::toString);
        }
    }

    @Test
    void coversFlatSchemasOnly() {
        Schema nested = new Schema.Parser()
                .parse("{\"type\":\"record\",\"name\":\"Outer\",\"fields\":["
                        + "{\"name\":\"inner\",\"type\":{\"type\":\"record\",\"name\":\"Inner\",\"fields\":[{\"name\":\"x\","
                        + "\"type\":\"int\"}]}}]}");
        Schema array = new Schema.Parser()
                .parse("{\"type\":\"record\",\"name\":\"A\",\"fields\":["
                        + "{\"name\":\"xs\",\"type\":{\"type\":\"array\",\"items\":\"long\"}}]}");
        Schema micros = new Schema.Parser()
                .parse("{\"type\":\"record\",\"name\":\"M\",\"fields\":["
                        + "{\"name\":\"t\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-micros\"}}]}");
        Schema threeWay = new Schema.Parser()
                .parse("{\"type\":\"record\",\"name\":\"U\",\"fields\":["
                        + "{\"name\":\"u\",\"type\":[\"null\",\"long\",\"string\"]}]}");
        assertNull(FlatRecordWriter.compile(nested, 1));
        assertNull(FlatRecordWriter.compile(array, 1));
        assertNull(FlatRecordWriter.compile(micros, 1));
        assertNull(FlatRecordWriter.compile(threeWay, 1));
    }

    private static <T extends SpecificRecord> void assertSameBytes(AvroCodec<T> codec, SpecificRecord record) {
        @SuppressWarnings("unchecked")
        T value = (T) record;
        byte[] avro = codec.encodeWithAvro(value);
        byte[] fast =
                FlatRecordWriter.compile(codec.schema(), codec.fingerprint()).encode(value);
        assertArrayEquals(avro, fast, () -> codec + ": " + record);
        assertArrayEquals(avro, codec.encode(value));
    }

    private static SpecificRecord randomRecord(AvroCodec<?> codec, Random random) throws Exception {
        SpecificRecord record = codec.type().getDeclaredConstructor().newInstance();
        for (Schema.Field field : codec.schema().getFields()) {
            Schema type = field.schema();
            if (type.getType() == Schema.Type.UNION) {
                if (random.nextInt(3) == 0) {
                    record.put(field.pos(), null);
                    continue;
                }
                type = type.getTypes().stream()
                        .filter(s -> s.getType() != Schema.Type.NULL)
                        .findFirst()
                        .orElseThrow();
            }
            record.put(field.pos(), randomValue(type, random));
        }
        return record;
    }

    private static Object randomValue(Schema type, Random random) {
        if (type.getLogicalType() != null) {
            return Instant.ofEpochMilli(randomLong(random) >> random.nextInt(24));
        }
        return switch (type.getType()) {
            case BOOLEAN -> random.nextBoolean();
            case INT -> (int) randomLong(random);
            case LONG -> randomLong(random);
            case FLOAT -> (float) randomDouble(random);
            case DOUBLE -> randomDouble(random);
            case STRING -> random.nextInt(8) == 0 ? new Utf8(randomString(random)) : randomString(random);
            case BYTES -> {
                byte[] bytes = new byte[random.nextInt(40)];
                random.nextBytes(bytes);
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                buffer.position(Math.min(bytes.length, random.nextInt(3)));
                yield buffer;
            }
            default -> throw new IllegalArgumentException("not flat: " + type);
        };
    }

    private static long randomLong(Random random) {
        return switch (random.nextInt(3)) {
            case 0 -> EDGE_LONGS[random.nextInt(EDGE_LONGS.length)];
            case 1 -> random.nextInt(100_000);
            default -> random.nextLong() >> random.nextInt(64);
        };
    }

    private static double randomDouble(Random random) {
        return random.nextInt(3) == 0
                ? EDGE_DOUBLES[random.nextInt(EDGE_DOUBLES.length)]
                : random.nextGaussian() * Math.pow(10, random.nextInt(20) - 10);
    }

    private static String randomString(Random random) {
        if (random.nextInt(3) == 0) {
            return EDGE_STRINGS[random.nextInt(EDGE_STRINGS.length)];
        }
        StringBuilder s = new StringBuilder();
        int n = random.nextInt(30);
        for (int i = 0; i < n; i++) {
            s.append(
                    random.nextInt(10) == 0 ? (char) (0xA0 + random.nextInt(2000)) : (char) ('a' + random.nextInt(26)));
        }
        return s.toString();
    }
}
