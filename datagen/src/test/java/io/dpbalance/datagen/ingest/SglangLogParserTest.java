package io.dpbalance.datagen.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every SGLang scheduler-log variant of docs/ingest.md parses; garbage and truncated lines are rejected by reason. */
class SglangLogParserTest {

    private static final IngestSettings UTC = new IngestSettings(ZoneOffset.UTC, null, null);
    private final SglangLogParser parser = new SglangLogParser(UTC);

    private static LineResult.Observation observation(LineResult result) {
        assertThat(result.kind()).as(result.toString()).isEqualTo(LineResult.Kind.OBSERVATION);
        return result.observation();
    }

    @Test
    void theIssuesLineGivesRankRunningAndResidentTokens() {
        LineResult.Observation o = observation(parser.parse("[2026-03-17 17:35:07 DP9 TP9] Decode batch, "
                + "#running-req: 12, #token: 768, token usage: 0.00, cuda graph: True, gen throughput (token/s): 3.83, "
                + "#queue-req: 0"));
        assertThat(o)
                .isEqualTo(new LineResult.Observation(9, null, Instant.parse("2026-03-17T17:35:07Z"), 12, 768, null));
    }

    @Test
    void aPeriodAfterDecodeBatchAsInOlderVersions() {
        LineResult.Observation o = observation(parser.parse("[2025-01-02 03:04:05 DP1 TP1] Decode batch. "
                + "#running-req: 3, #token: 4096, token usage: 0.02, gen throughput (token/s): 120.50, #queue-req: 2"));
        assertThat(o.rank()).isEqualTo(1);
        assertThat(o.running()).isEqualTo(3);
        assertThat(o.kvTokens()).isEqualTo(4096);
    }

    @Test
    void aTimeOnlyPrefixTakesTheDateOption() {
        String line = "[04:40:55 TP0] Decode batch. #running-req: 5, #token: 900, token usage: 0.01, "
                + "gen throughput (token/s): 50.00, #queue-req: 0";
        assertThat(parser.parse(line).reason()).isEqualTo("NO_DATE");
        assertThat(parser.parse(line).kind()).isEqualTo(LineResult.Kind.REJECTED);
        SglangLogParser dated =
                new SglangLogParser(new IngestSettings(ZoneOffset.UTC, LocalDate.of(2026, 3, 17), null));
        LineResult.Observation o = observation(dated.parse(line));
        assertThat(o.time()).isEqualTo(Instant.parse("2026-03-17T04:40:55Z"));
        assertThat(o.rank()).as("no DP tag: DP is off, rank 0").isZero();
    }

    @Test
    void localTimesAreReadInTheGivenZone() {
        SglangLogParser paris = new SglangLogParser(new IngestSettings(ZoneId.of("Europe/Paris"), null, null));
        LineResult.Observation o = observation(paris.parse("[2026-03-17 17:35:07 DP0 TP0] Decode batch, "
                + "#running-req: 1, #token: 10, token usage: 0.00, #queue-req: 0"));
        assertThat(o.time()).isEqualTo(Instant.parse("2026-03-17T16:35:07Z"));
        assertThat(observation(paris.parse(
                                "[2026-03-17 17:35:07.123 DP0 TP0] Decode batch, #running-req: 1, " + "#token: 10"))
                        .time())
                .as("fractional seconds are dropped")
                .isEqualTo(o.time());
    }

    @Test
    void extraFieldsAndPerDpListsDoNotConfuseTheParser() {
        LineResult.Observation o = observation(parser.parse("[2026-03-17 17:35:07 DP2 TP4 EP4] Decode batch, "
                + "#running-req: 7, #running-req per DP: [7, 3, 11, 0], #token: 5000, token usage: 0.05, "
                + "accept len: 2.31, npu graph: True, gen throughput (token/s): 99.10, #queue-req: 1"));
        assertThat(o.rank()).isEqualTo(2);
        assertThat(o.running()).isEqualTo(7);
        assertThat(o.kvTokens()).isEqualTo(5000);
    }

    @Test
    void hybridModelsFullTokenIsTheLoad() {
        LineResult.Observation o = observation(parser.parse("[2026-03-17 17:35:07 DP3 TP3] Decode batch, "
                + "#running-req: 4, #full token: 2048, full token usage: 0.01, #swa token: 512, swa token usage: 0.00, "
                + "cuda graph: True, gen throughput (token/s): 10.00, #queue-req: 0"));
        assertThat(o.kvTokens()).isEqualTo(2048);
        assertThat(o.running()).isEqualTo(4);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "[2026-03-17 17:35:07 DP0 TP0] Prefill batch, #new-seq: 1, #new-token: 374, #cached-token: 0, "
                        + "token usage: 0.00, #running-req: 0, #queue-req: 1",
                "[2026-03-17 17:35:07] INFO:     127.0.0.1:40000 - \"POST /v1/chat/completions HTTP/1.1\" 200 OK",
                "INFO:     127.0.0.1:52814 - \"GET /health HTTP/1.1\" 200 OK",
                "",
                "Loading safetensors checkpoint shards: 100% Completed | 8/8"
            })
    void otherLinesAreSkippedAsNotDecode(String line) {
        LineResult result = parser.parse(line);
        assertThat(result.kind()).isEqualTo(LineResult.Kind.SKIPPED);
        assertThat(result.reason()).isEqualTo(LineResult.NOT_DECODE);
    }

    @Test
    void garbageAndTruncatedDecodeLinesAreRejectedByReason() {
        assertThat(parser.parse("[2026-03-17 17:35:07 DP0 TP0] Decode batch, #running-req: 12, #tok")
                        .reasonText())
                .isEqualTo("MISSING_FIELD: #token or #full token");
        assertThat(parser.parse("[2026-03-17 17:35:07 DP0 TP0] Decode batch, #running-req: 1x, #token: 5")
                        .reasonText())
                .isEqualTo("BAD_NUMBER: #running-req '1x'");
        assertThat(parser.parse("[2026-03-17 17:35:07 DP0 TP0] Decode batch, #running-req: 12, #token: "
                                + "99999999999999999999999, token usage: 0.00")
                        .reason())
                .isEqualTo("OUT_OF_RANGE");
        assertThat(parser.parse("[2026-13-17 17:35:07 DP0 TP0] Decode batch, #running-req: 1, #token: 5")
                        .reason())
                .isEqualTo("BAD_TIME");
        assertThat(parser.parse("2026-03-17 17:35:07 DP0 Decode batch, #running-req: 1, #token: 5")
                        .reason())
                .isEqualTo("BAD_PREFIX");
        assertThat(parser.parse("[2026-03-17 17:3").kind()).isEqualTo(LineResult.Kind.SKIPPED);
        assertThat(parser.parse("\u0000\u00ff\ufffd garbage ] [").kind()).isEqualTo(LineResult.Kind.SKIPPED);
    }

    @Test
    void aLoadAboveTheGivenCapacityIsOutOfRange() {
        SglangLogParser bounded = new SglangLogParser(new IngestSettings(ZoneOffset.UTC, null, 1000L));
        LineResult result = bounded.parse("[2026-03-17 17:35:07 DP0 TP0] Decode batch, #running-req: 1, #token: 1001");
        assertThat(result.reasonText()).isEqualTo("OUT_OF_RANGE: #token 1001 exceeds --kv-capacity 1000");
    }
}
