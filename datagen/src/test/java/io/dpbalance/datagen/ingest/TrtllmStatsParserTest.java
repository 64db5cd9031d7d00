package io.dpbalance.datagen.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** TensorRT-LLM iteration stats JSON lines: the fields of docs/ingest.md, fallbacks, and bad lines by reason. */
class TrtllmStatsParserTest {

    private final TrtllmStatsParser parser = new TrtllmStatsParser(new IngestSettings(ZoneOffset.UTC, null, null));

    private static final String FULL = "{\"timestamp\": \"03-17-2026 17:35:07\", \"iter\": 1200, "
            + "\"iterLatencyMS\": 21.4, \"attentionDpRank\": 3, \"numActiveRequests\": 14, "
            + "\"inflightBatchingStats\": {\"numScheduledRequests\": 14, \"numContextRequests\": 2, "
            + "\"numGenRequests\": 12, \"numGenKvTokens\": 768, \"numCtxTokens\": 300, \"microBatchId\": 0}, "
            + "\"kvCacheStats\": {\"usedNumBlocks\": 99, \"tokensPerBlock\": 32}, \"specDecodingStats\": null}";

    @Test
    void aFullLineGivesRankIterationLoadsAndStepTime() {
        LineResult r = parser.parse(FULL);
        assertThat(r.kind()).isEqualTo(LineResult.Kind.OBSERVATION);
        assertThat(r.observation())
                .isEqualTo(
                        new LineResult.Observation(3, 1200L, Instant.parse("2026-03-17T17:35:07Z"), 12, 768, 21_400L));
    }

    @Test
    void withoutAttentionDpTheRankIsZeroAndKvComesFromTheCacheBlocks() {
        LineResult r = parser.parse("{\"timestamp\":\"2026-03-17T17:35:07.250Z\",\"iter\":7,"
                + "\"inflightBatchingStats\":{\"numGenRequests\":2},"
                + "\"kvCacheStats\":{\"usedNumBlocks\":10,\"tokensPerBlock\":64}}");
        assertThat(r.observation())
                .isEqualTo(new LineResult.Observation(0, 7L, Instant.parse("2026-03-17T17:35:07.250Z"), 2, 640, null));
    }

    @Test
    void localStampsAreReadInTheGivenZone() {
        TrtllmStatsParser tokyo = new TrtllmStatsParser(new IngestSettings(ZoneId.of("Asia/Tokyo"), null, null));
        assertThat(tokyo.parse(FULL).observation().time()).isEqualTo(Instant.parse("2026-03-17T08:35:07Z"));
    }

    @Test
    void badLinesAreRejectedByReasonAndOthersSkipped() {
        assertThat(parser.parse(FULL.substring(0, FULL.length() / 2)).reason())
                .as("truncated")
                .isEqualTo("BAD_JSON");
        assertThat(parser.parse("{\"iter\": 1, \"inflightBatchingStats\": {\"numGenRequests\": 1, "
                                + "\"numGenKvTokens\": 5}}")
                        .reasonText())
                .isEqualTo("MISSING_FIELD: timestamp");
        assertThat(parser.parse(FULL.replace("\"iter\": 1200", "\"iter\": -1")).reasonText())
                .isEqualTo("OUT_OF_RANGE: iter -1");
        assertThat(parser.parse(FULL.replace("\"numGenRequests\": 12", "\"numGenRequests\": \"x\""))
                        .reasonText())
                .isEqualTo("BAD_NUMBER: numGenRequests x");
        assertThat(parser.parse(FULL.replace("03-17-2026", "13-45-2026")).reason())
                .isEqualTo("BAD_TIME");
        assertThat(parser.parse(FULL.replace("21.4", "-3")).reason()).isEqualTo("OUT_OF_RANGE");
        assertThat(parser.parse(FULL + " trailing").reason()).isEqualTo("BAD_JSON");
        assertThat(parser.parse("{not json").reason()).isEqualTo("BAD_JSON");
        assertThat(parser.parse("[TensorRT-LLM][INFO] Loaded engine").reason()).isEqualTo(LineResult.NOT_DECODE);
        assertThat(parser.parse("{\"iter\": 3}").reason()).isEqualTo("NO_INFLIGHT_BATCHING_STATS");
    }
}
