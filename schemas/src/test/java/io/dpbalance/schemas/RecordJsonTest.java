package io.dpbalance.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class RecordJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T = Instant.parse("2026-01-01T00:00:01.234Z");

    private static JsonNode parse(String text) throws IOException {
        return JSON.readTree(text);
    }

    @SuppressWarnings("unchecked") // read builds a record of the class it is given.
    private static <T extends SpecificRecord> T roundTrip(T record) throws IOException {
        return RecordJson.read(parse(RecordJson.toJson(record)), (Class<T>) record.getClass(), "test:1");
    }

    @Test
    void everySampleOfEveryRecordTypeReadsBackEqual() throws IOException {
        assertThat(TestRecords.samples().stream()
                        .map(r -> r.getClass().getSimpleName())
                        .collect(Collectors.toSet()))
                .as("the samples cover every record type")
                .containsExactlyInAnyOrderElementsOf(
                        Codecs.all().stream().map(c -> c.type().getSimpleName()).toList());
        for (SpecificRecord record : TestRecords.samples()) {
            assertThat(roundTrip(record)).as(record.getSchema().getName()).isEqualTo(record);
            assertThat(RecordJson.typeOf(parse(RecordJson.toJson(record)))).contains(record.getClass());
        }
    }

    @Test
    void usesTheSchemaFieldNamesInSchemaOrderAndEpochMillis() {
        TokenEvent token = new TokenEvent("c-0", 3, 17L, "azure-9", T, 1201L, true);

        assertThat(RecordJson.toJson(token))
                .isEqualTo(
                        "{\"cluster_id\":\"c-0\",\"rank\":3,\"step\":17,"
                                + "\"request_id\":\"azure-9\",\"event_time\":1767225601234,\"context_tokens\":1201,\"final\":true}");
    }

    @Test
    void writesOptionalFieldsAsTheirValueOrNullNotAsAvroUnions() throws IOException {
        RankStep step = new RankStep("c-0", 1, 2L, T, 4, 900L, null, 3000L, 40L);

        assertThat(RecordJson.toJson(step))
                .endsWith("\"kv_tokens\":900,\"compute_micros\":null,\"step_micros\":3000,\"sampled_steps\":40}");
        assertThat(roundTrip(step)).isEqualTo(step);
    }

    @Test
    void writesBytesAsBase64() throws IOException {
        DeadLetter letter = DeadLetter.newBuilder(TestRecords.deadLetter())
                .setPayload(ByteBuffer.wrap(new byte[] {1, 2, 3, (byte) 0xff}))
                .build();

        assertThat(RecordJson.toJson(letter)).contains("\"payload\":\"AQID/w==\"");
        assertThat(roundTrip(letter).getPayload()).isEqualTo(ByteBuffer.wrap(new byte[] {1, 2, 3, (byte) 0xff}));
    }

    @Test
    void writesNaNAndInfinityAsNullAndReadsNullBackAsNaNWhereTheFieldIsNotOptional() throws IOException {
        WindowMetrics window = WindowMetrics.newBuilder(TestRecords.windowMetrics())
                .setTokensPerJoule(Double.NaN)
                .setThroughputTokensPerS(Double.POSITIVE_INFINITY)
                .setP99IdleFraction(Double.NEGATIVE_INFINITY)
                .build();

        String json = RecordJson.toJson(window);

        assertThat(json)
                .contains("\"tokens_per_joule\":null", "\"throughput_tokens_per_s\":null", "\"p99_idle_fraction\":null")
                .doesNotContain("NaN", "Infinity");
        WindowMetrics back = RecordJson.read(parse(json), WindowMetrics.class, "w:1");
        assertThat(back.getTokensPerJoule()).isNaN();
        assertThat(back.getThroughputTokensPerS()).isNaN();
        assertThat(back.getAvgIdleFraction()).isEqualTo(window.getAvgIdleFraction());
    }

    @Test
    void anOptionalDoubleThatHeldNaNReadsBackAbsent() throws IOException {
        StepMetrics step = StepMetrics.newBuilder(TestRecords.stepMetricsWithOptionals())
                .setTimeIdleFraction(Double.NaN)
                .build();

        assertThat(RecordJson.toJson(step)).contains("\"time_idle_fraction\":null");
        assertThat(roundTrip(step).getTimeIdleFraction()).isNull();
    }

    @Test
    void readsTheNaNAndInfinityStringsOfEarlierDatagenFiles() throws IOException {
        String earlier = RecordJson.toJson(TestRecords.windowMetrics())
                .replaceFirst("\"tokens_per_joule\":[^,]*", "\"tokens_per_joule\":\"NaN\"")
                .replaceFirst("\"energy_joules\":[^,]*", "\"energy_joules\":\"Infinity\"")
                .replaceFirst("\"idle_energy_joules\":[^,]*", "\"idle_energy_joules\":\"-Infinity\"");

        WindowMetrics back = RecordJson.read(parse(earlier), WindowMetrics.class, "old.jsonl:3");

        assertThat(back.getTokensPerJoule()).isNaN();
        assertThat(back.getEnergyJoules()).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(back.getIdleEnergyJoules()).isEqualTo(Double.NEGATIVE_INFINITY);
    }

    @Test
    void keepsUnicodeAndControlCharactersOfStrings() throws IOException {
        RequestArrival arrival = RequestArrival.newBuilder(TestRecords.requestArrivalWithOptionals())
                .setRequestId("réq-\u00e9\u4e2d\ud83d\ude80 \"quoted\" back\\slash")
                .setModel("line\nbreak\ttab\u0001")
                .build();

        String json = RecordJson.toJson(arrival);

        assertThat(json).contains("r\u00e9q-\u00e9\u4e2d\ud83d\ude80").contains("\\n", "\\t", "\\u0001");
        assertThat(roundTrip(arrival)).isEqualTo(arrival);
    }

    @Test
    void writesOneLinePerRecordAndLeavesTheStreamOpen() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        RecordJson.writeLine(out, TestRecords.tokenEvent(false));
        RecordJson.writeLine(out, TestRecords.tokenEvent(true));

        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n", -1);
        assertThat(lines).hasSize(3);
        assertThat(lines[2]).isEmpty();
        assertThat(RecordJson.read(parse(lines[1]), TokenEvent.class, "t:2")).isEqualTo(TestRecords.tokenEvent(true));
    }

    @Test
    void aMissingFieldWithADefaultTakesIt() throws IOException {
        JsonNode object = parse(RecordJson.toJson(TestRecords.rankStepWithOptionals()));
        ((ObjectNode) object).remove(List.of("compute_micros", "step_micros"));

        RankStep back = RecordJson.read(object, RankStep.class, "r:1");

        assertThat(back.getComputeMicros()).isNull();
        assertThat(back.getStepMicros()).isNull();
        assertThat(RecordJson.typeOf(object)).contains(RankStep.class);
    }

    @Test
    void namesTheFileLineAndFieldOfAValueThatDoesNotFit() throws IOException {
        JsonNode missing = parse("{\"cluster_id\":\"c\",\"rank\":1}");
        JsonNode text = parse(RecordJson.toJson(TestRecords.tokenEvent(false)).replace("\"rank\":3", "\"rank\":\"3\""));
        JsonNode nullRank =
                parse(RecordJson.toJson(TestRecords.tokenEvent(false)).replace("\"rank\":3", "\"rank\":null"));

        assertThatThrownBy(() -> RecordJson.read(missing, TokenEvent.class, "f.jsonl:7"))
                .hasMessage("f.jsonl:7: TokenEvent.step: expected a value, got no such field");
        assertThatThrownBy(() -> RecordJson.read(text, TokenEvent.class, "f.jsonl:8"))
                .hasMessage("f.jsonl:8: TokenEvent.rank: expected an integer, got \"3\"");
        assertThatThrownBy(() -> RecordJson.read(nullRank, TokenEvent.class, "f.jsonl:9"))
                .hasMessage("f.jsonl:9: TokenEvent.rank: expected a value, got null");
        assertThat(RecordJson.typeOf(missing)).isEmpty();
    }
}
