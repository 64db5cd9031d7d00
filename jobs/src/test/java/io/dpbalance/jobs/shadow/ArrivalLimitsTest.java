package io.dpbalance.jobs.shadow;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpbalance.jobs.io.InputDecoder;
import io.dpbalance.jobs.io.InputLimits;
import io.dpbalance.schemas.Codecs;
import io.dpbalance.schemas.RequestArrival;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

/** The shadow job's sources keep the same input limits as the analytics job's (issue 10). */
class ArrivalLimitsTest {

    private static final InputDecoder<RequestArrival> DECODER =
            ShadowSchedulerJob.arrivalDecoder(InputLimits.defaults());
    private static final long T0 = 1_700_000_000_000L;

    private static RequestArrival.Builder arrival() {
        return RequestArrival.newBuilder()
                .setClusterId("a")
                .setRequestId("r1")
                .setArrivalTime(Instant.ofEpochMilli(T0))
                .setPromptTokens(100)
                .setOutputTokens(50L);
    }

    private static String code(RequestArrival arrival) {
        return code(arrival, "a".getBytes(StandardCharsets.UTF_8));
    }

    private static String code(RequestArrival arrival, byte[] key) {
        String problem = DECODER.decode("dp.requests", 0, 1, key, Codecs.REQUEST_ARRIVAL.encode(arrival)).problem;
        return problem == null ? null : problem.split(":")[0];
    }

    @Test
    void aValidRequestPasses() {
        assertThat(code(arrival().build())).isNull();
    }

    @Test
    void outputTokensOf1e8AreADeadLetter() {
        assertThat(code(arrival().setOutputTokens(100_000_000L).build())).isEqualTo("TOKENS_OVER_LIMIT");
        assertThat(code(arrival().setPromptTokens(1_000_000_000_000L).build())).isEqualTo("TOKENS_OVER_LIMIT");
    }

    @Test
    void anEmptyClusterIdOrRequestIdIsADeadLetter() {
        assertThat(code(arrival().setClusterId("").build())).isEqualTo("EMPTY_CLUSTER_ID");
        assertThat(code(arrival().setRequestId("").build())).isEqualTo("EMPTY_REQUEST_ID");
    }

    @Test
    void longIdsAndKeysAreDeadLetters() {
        String huge = "x".repeat(200 * 1024);
        assertThat(code(arrival().setClusterId(huge).build())).isEqualTo("ID_TOO_LONG");
        assertThat(code(arrival().setRequestId(huge).build())).isEqualTo("ID_TOO_LONG");
        assertThat(code(arrival().setModel(huge).build())).isEqualTo("ID_TOO_LONG");
        assertThat(code(arrival().build(), new byte[400 * 1024])).isEqualTo("KEY_TOO_LONG");
    }

    @Test
    void aRankAboveMaxRanksIsADeadLetter() {
        assertThat(code(arrival().setRank(100_000_000).build())).isEqualTo("RANK_OVER_LIMIT");
    }

    @Test
    void aRequestStampedInYear2100IsADeadLetterSoItCannotPushTheClock() {
        long year2100 = ZonedDateTime.of(2100, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC)
                .toInstant()
                .toEpochMilli();
        assertThat(code(arrival().setArrivalTime(Instant.ofEpochMilli(year2100)).build()))
                .isEqualTo("EVENT_TIME_IN_FUTURE");
    }
}
