package io.dpbalance.datagen.sink;

import com.fasterxml.jackson.core.JsonGenerator;
import io.dpbalance.schemas.DeadLetter;
import io.dpbalance.schemas.RankStep;
import io.dpbalance.schemas.TokenEvent;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class JsonRecordsTest {

    private static final Instant T = Instant.parse("2026-01-01T00:00:01.234Z");

    private static String json(SpecificRecord record) throws IOException {
        StringWriter out = new StringWriter();
        try (JsonGenerator json = JsonRecords.FACTORY.createGenerator(out)) {
            JsonRecords.write(json, record);
        }
        return out.toString();
    }

    @Test
    void usesTheSchemaFieldNamesAndEpochMillis() throws IOException {
        TokenEvent token = new TokenEvent("c-0", 3, 17L, "azure-9", T, 1201L, true);
        assertThat(json(token)).isEqualTo("{\"cluster_id\":\"c-0\",\"rank\":3,\"step\":17,\"request_id\":\"azure-9\","
                + "\"event_time\":1767225601234,\"context_tokens\":1201,\"final\":true}");
    }

    @Test
    void writesOptionalFieldsAsTheirValueOrNull() throws IOException {
        RankStep step = new RankStep("c-0", 1, 2L, T, 4, 900L, null, 3000L, 40L);
        assertThat(json(step)).endsWith("\"kv_tokens\":900,\"compute_micros\":null,\"step_micros\":3000,\"sampled_steps\":40}");
    }

    @Test
    void writesBytesAsBase64() throws IOException {
        DeadLetter letter = DeadLetter.newBuilder().setClusterId("c-0").setSourceTopic("dp.token-events")
                .setPartition(0).setOffset(5L)
                .setReason("CORRUPT_BODY").setPayload(ByteBuffer.wrap(new byte[] {1, 2, 3})).setSeenAt(T).build();
        assertThat(json(letter)).contains("\"payload\":\"AQID\"");
    }
}
