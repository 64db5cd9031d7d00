package io.dpbalance.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AvroCodecTest {

    static Stream<SpecificRecord> samples() {
        return TestRecords.samples().stream();
    }

    @ParameterizedTest
    @MethodSource("samples")
    <T extends SpecificRecord> void decodesWhatItEncodes(T record) {
        @SuppressWarnings("unchecked")
        AvroCodec<T> codec = Codecs.codec((Class<T>) record.getClass());

        DecodeResult<T> result = codec.decode(codec.encode(record));

        assertThat(result).isEqualTo(new DecodeResult.Decoded<>(record));
    }

    @ParameterizedTest
    @MethodSource("samples")
    void startsPayloadWithMarkerAndCurrentFingerprint(SpecificRecord record) {
        byte[] bytes = TestRecords.encode(record);

        long current = Codecs.codec(record.getClass()).fingerprint();
        assertThat(Arrays.copyOf(bytes, 2)).containsExactly(0xC3, 0x01);
        assertThat(ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong())
                .isEqualTo(current);
    }

    @ParameterizedTest
    @MethodSource("samples")
    void decodesAnyRecordIntoItsOwnClass(SpecificRecord record) {
        assertThat(Codecs.decodeAny(TestRecords.encode(record))).isEqualTo(new DecodeResult.Decoded<>(record));
    }

    @ParameterizedTest
    @MethodSource("samples")
    void identifiesTheWriterAsTheNewestKeptVersion(SpecificRecord record) {
        AvroCodec<?> codec = Codecs.codec(record.getClass());

        assertThat(Codecs.identify(TestRecords.encode(record)))
                .contains(codec.history().get(codec.history().size() - 1));
    }

    @Test
    void matchesTheBytesOfTheGeneratedEncoder() throws Exception {
        RankStep record = TestRecords.rankStepWithOptionals();
        ByteBuffer generated = RankStep.getEncoder().encode(record);
        byte[] generatedBytes = new byte[generated.remaining()];
        generated.get(generatedBytes);

        assertThat(Codecs.RANK_STEP.encode(record)).isEqualTo(generatedBytes);
    }

    @Test
    void reportsAPayloadOfAnotherRecordAsWrongRecord() {
        byte[] tokenEvent = TestRecords.encode(TestRecords.tokenEvent(false));

        DecodeResult<RankStep> result = Codecs.RANK_STEP.decode(tokenEvent);

        assertThat(result)
                .isEqualTo(new DecodeResult.Failed<RankStep>(
                        DecodeResult.Reason.WRONG_RECORD, "expected RankStep, payload holds TokenEvent v1"));
    }

    @Test
    void treatsNullAsEmpty() {
        assertThat(Codecs.RANK_STEP.decode(null))
                .isEqualTo(new DecodeResult.Failed<RankStep>(DecodeResult.Reason.EMPTY, "RankStep: no bytes"));
        assertThat(Codecs.decodeAny(null).isDecoded()).isFalse();
        assertThat(Codecs.identify(null)).isEmpty();
    }

    @Test
    void rejectsBytesLeftOverAfterTheRecord() {
        byte[] valid = TestRecords.encode(TestRecords.assignment());
        byte[] padded = Arrays.copyOf(valid, valid.length + 1);

        assertThat(Codecs.ASSIGNMENT.decode(padded))
                .isEqualTo(new DecodeResult.Failed<Assignment>(
                        DecodeResult.Reason.CORRUPT_BODY, "Assignment body: bytes left over after the record"));
    }

    @Test
    void refusesToEncodeARecordMissingARequiredField() {
        RankStep incomplete = new RankStep();

        assertThatThrownBy(() -> Codecs.RANK_STEP.encode(incomplete))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Cannot encode RankStep");
    }

    @Test
    void refusesACodecForAClassThatIsNoRecordOfTheTopics() {
        assertThatThrownBy(() -> Codecs.codec(SpecificRecordBase.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a dpbalance record");
    }
}
