package io.dpbalance.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.avro.io.BinaryData;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;

/**
 * Property-style test: corrupted payloads from a seeded generator never make the codecs throw. Each yields a typed
 * failure of a reason its kind of corruption implies or, where changed body bytes still form a valid record, a
 * record that can be encoded again.
 */
class CorruptPayloadTest {

    private static final long SEED = 20260115L;
    private static final int HEADER = AvroCodec.HEADER_LENGTH;
    /** The outcome of a payload that decoded; failures are named by their {@link DecodeResult.Reason}. */
    private static final String DECODED = "DECODED";

    /** A kind of corruption: the outcomes it may have, and those the generator must demonstrably reach. */
    private enum Kind {
        TRUNCATED_IN_HEADER(Set.of("EMPTY", "TOO_SHORT"), Set.of("EMPTY", "TOO_SHORT")),
        TRUNCATED_IN_BODY(Set.of("CORRUPT_BODY"), Set.of("CORRUPT_BODY")),
        MARKER_FLIPPED(Set.of("BAD_MARKER"), Set.of("BAD_MARKER")),
        FINGERPRINT_FLIPPED(Set.of("UNKNOWN_FINGERPRINT"), Set.of("UNKNOWN_FINGERPRINT")),
        RANDOM_FINGERPRINT(Set.of("UNKNOWN_FINGERPRINT"), Set.of("UNKNOWN_FINGERPRINT")),
        OTHER_RECORD(Set.of("WRONG_RECORD"), Set.of("WRONG_RECORD")),
        HUGE_LENGTH(Set.of("CORRUPT_BODY"), Set.of("CORRUPT_BODY")),
        BODY_FLIPPED(Set.of(DECODED, "CORRUPT_BODY"), Set.of(DECODED, "CORRUPT_BODY")),
        RANDOM_BODY(Set.of(DECODED, "CORRUPT_BODY"), Set.of("CORRUPT_BODY")),
        RANDOM_BYTES(
                Set.of("EMPTY", "TOO_SHORT", "BAD_MARKER", "UNKNOWN_FINGERPRINT"),
                Set.of("EMPTY", "TOO_SHORT", "BAD_MARKER"));

        final Set<String> allowed;
        final Set<String> required;

        Kind(Set<String> allowed, Set<String> required) {
            this.allowed = allowed;
            this.required = required;
        }
    }

    /** A corrupted payload and the codec of the record it was made from. */
    private record Payload(Kind kind, AvroCodec<?> codec, byte[] bytes) {
        @Override
        public String toString() {
            return kind + " payload for " + codec.type().getSimpleName() + " "
                    + HexFormat.of().formatHex(bytes);
        }
    }

    private final Random random = new Random(SEED);
    private final List<byte[]> validPayloads = new ArrayList<>();
    private final List<AvroCodec<?>> validCodecs = new ArrayList<>();

    @Test
    void neverThrowsAndFailsWithTheReasonOfEachCorruption(TestReporter reporter) {
        collectValidPayloads();
        List<Payload> payloads = corruptedPayloads();
        Map<Kind, Map<String, Integer>> outcomes = new EnumMap<>(Kind.class);

        for (Payload payload : payloads) {
            DecodeResult<?> typed =
                    decodeWithoutThrowing(payload, () -> payload.codec().decode(payload.bytes()));
            DecodeResult<?> any = decodeWithoutThrowing(payload, () -> Codecs.decodeAny(payload.bytes()));
            String outcome = typed instanceof DecodeResult.Failed<?> failed
                    ? failed.reason().name()
                    : DECODED;
            assertThat(payload.kind().allowed)
                    .as("outcome of %s: %s", payload, typed)
                    .contains(outcome);
            outcomes.computeIfAbsent(payload.kind(), kind -> new TreeMap<>()).merge(outcome, 1, Integer::sum);
            if (typed instanceof DecodeResult.Decoded<?> decoded) {
                assertThat(any).as("decodeAny of %s", payload).isEqualTo(decoded);
                assertThat(TestRecords.encode((SpecificRecord) decoded.value()))
                        .as("re-encoding %s", payload)
                        .isNotEmpty();
            } else if (payload.kind() != Kind.OTHER_RECORD) {
                assertThat(any.isDecoded()).as("decodeAny of %s", payload).isFalse();
            }
        }

        reporter.publishEntry("payloads", String.valueOf(payloads.size()));
        reporter.publishEntry("outcomes", outcomes.toString());
        assertThat(payloads.size()).isGreaterThanOrEqualTo(20_000);
        for (Kind kind : Kind.values()) {
            assertThat(outcomes.get(kind).keySet()).as("outcomes of %s", kind).containsAll(kind.required);
        }
    }

    private static DecodeResult<?> decodeWithoutThrowing(Payload payload, Supplier<DecodeResult<?>> decode) {
        DecodeResult<?> result;
        try {
            result = decode.get();
        } catch (RuntimeException | Error e) {
            return fail("decoding threw on " + payload, e);
        }
        assertThat(result).as("result for %s", payload).isNotNull();
        return result;
    }

    private void collectValidPayloads() {
        for (SpecificRecord record : TestRecords.samples()) {
            validPayloads.add(TestRecords.encode(record));
            validCodecs.add(Codecs.codec(record.getClass()));
        }
        validPayloads.add(TestRecords.rankStepV1Payload());
        validCodecs.add(Codecs.RANK_STEP);
        validPayloads.add(TestRecords.requestArrivalV1Payload());
        validCodecs.add(Codecs.REQUEST_ARRIVAL);
    }

    private List<Payload> corruptedPayloads() {
        List<Payload> payloads = new ArrayList<>();
        for (int i = 0; i < validPayloads.size(); i++) {
            byte[] valid = validPayloads.get(i);
            AvroCodec<?> codec = validCodecs.get(i);
            for (int length = 0; length < valid.length; length++) {
                Kind kind = length < HEADER ? Kind.TRUNCATED_IN_HEADER : Kind.TRUNCATED_IN_BODY;
                payloads.add(new Payload(kind, codec, Arrays.copyOf(valid, length)));
            }
            for (AvroCodec<?> other : Codecs.all()) {
                if (other != codec) {
                    payloads.add(new Payload(Kind.OTHER_RECORD, other, valid));
                }
            }
            long[] extremeLengths = {
                Integer.MAX_VALUE - 8, Integer.MAX_VALUE, 1L << 40, Long.MAX_VALUE, -1, Long.MIN_VALUE
            };
            for (long length : extremeLengths) {
                payloads.add(new Payload(Kind.HUGE_LENGTH, codec, withFirstLength(valid, length)));
            }
        }
        for (int n = 0; n < 600; n++) {
            int i = random.nextInt(validPayloads.size());
            long length = 1_000 + random.nextInt(Integer.MAX_VALUE - 1_000);
            payloads.add(
                    new Payload(Kind.HUGE_LENGTH, validCodecs.get(i), withFirstLength(validPayloads.get(i), length)));
        }
        for (int n = 0; n < 1_000; n++) {
            int i = random.nextInt(validPayloads.size());
            payloads.add(
                    new Payload(Kind.MARKER_FLIPPED, validCodecs.get(i), changeOneByte(validPayloads.get(i), 0, 2)));
        }
        for (int n = 0; n < 2_000; n++) {
            int i = random.nextInt(validPayloads.size());
            byte[] bytes = changeOneByte(validPayloads.get(i), 2, HEADER);
            payloads.add(new Payload(Kind.FINGERPRINT_FLIPPED, validCodecs.get(i), bytes));
        }
        for (int n = 0; n < 500; n++) {
            int i = random.nextInt(validPayloads.size());
            byte[] bytes = validPayloads.get(i).clone();
            for (int b = 2; b < HEADER; b++) {
                bytes[b] = (byte) random.nextInt(256);
            }
            payloads.add(new Payload(Kind.RANDOM_FINGERPRINT, validCodecs.get(i), bytes));
        }
        for (int n = 0; n < 11_000; n++) {
            int i = random.nextInt(validPayloads.size());
            byte[] bytes = validPayloads.get(i);
            for (int changes = 1 + random.nextInt(3); changes > 0; changes--) {
                bytes = changeOneByte(bytes, HEADER, bytes.length);
            }
            payloads.add(new Payload(Kind.BODY_FLIPPED, validCodecs.get(i), bytes));
        }
        for (int n = 0; n < 2_000; n++) {
            int i = random.nextInt(validPayloads.size());
            byte[] bytes = Arrays.copyOf(validPayloads.get(i), HEADER + random.nextInt(65));
            for (int b = HEADER; b < bytes.length; b++) {
                bytes[b] = (byte) random.nextInt(256);
            }
            payloads.add(new Payload(Kind.RANDOM_BODY, validCodecs.get(i), bytes));
        }
        for (int n = 0; n < 3_000; n++) {
            byte[] bytes = new byte[random.nextInt(257)];
            random.nextBytes(bytes);
            payloads.add(new Payload(Kind.RANDOM_BYTES, validCodecs.get(random.nextInt(validCodecs.size())), bytes));
        }
        return payloads;
    }

    /** A copy of the payload with one byte in {@code [from, to)} changed to a different value. */
    private byte[] changeOneByte(byte[] valid, int from, int to) {
        byte[] bytes = valid.clone();
        bytes[from + random.nextInt(to - from)] ^= (byte) (1 + random.nextInt(255));
        return bytes;
    }

    /**
     * The payload with a declared length inserted in front of its body: every record starts with the string
     * {@code cluster_id}, so the body is read as a string of that length, followed by the original body.
     */
    private static byte[] withFirstLength(byte[] valid, long length) {
        byte[] varint = new byte[10];
        int varintLength = BinaryData.encodeLong(length, varint, 0);
        byte[] bytes = new byte[valid.length + varintLength];
        System.arraycopy(valid, 0, bytes, 0, HEADER);
        System.arraycopy(varint, 0, bytes, HEADER, varintLength);
        System.arraycopy(valid, HEADER, bytes, HEADER + varintLength, valid.length - HEADER);
        return bytes;
    }
}
