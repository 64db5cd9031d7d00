package io.dpbalance.jobs.analytics;

import static io.dpbalance.jobs.analytics.LogFixtures.T0;
import static io.dpbalance.jobs.analytics.LogFixtures.rankStep;
import static io.dpbalance.jobs.analytics.LogFixtures.settings;
import static io.dpbalance.jobs.analytics.LogFixtures.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dpbalance.jobs.common.DeadLetters;
import io.dpbalance.jobs.io.InputDecoder;
import io.dpbalance.jobs.io.InputLimits;
import io.dpbalance.jobs.io.InputRecord;
import io.dpbalance.schemas.Codecs;
import io.dpbalance.schemas.RankStep;
import io.dpbalance.schemas.TokenEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

/**
 * The input limits of the analytics job's sources (issue 10): each record the fault probes found accepted is a dead
 * letter with its own reason, checked through the decoder the sources use.
 */
class InputLimitsTest {

    private static final InputDecoder<TokenEvent> TOKENS =
            TraceAnalyticsJob.tokenEventDecoder(settings(), InputLimits.defaults());
    private static final InputDecoder<RankStep> RANK_STEPS =
            TraceAnalyticsJob.rankStepDecoder(settings(), InputLimits.defaults());

    private static String problem(TokenEvent token) {
        return problem(token, "a/0".getBytes(StandardCharsets.UTF_8));
    }

    private static String problem(TokenEvent token, byte[] key) {
        InputRecord<TokenEvent> record = TOKENS.decode("dp.token-events", 0, 7, key, Codecs.TOKEN_EVENT.encode(token));
        return record.problem;
    }

    private static String code(String problem) {
        return problem == null ? null : DeadLetters.code(problem);
    }

    @Test
    void aValidTokenPasses() {
        assertThat(problem(token("a", 3, 1, "r1", T0, 10, false))).isNull();
    }

    @Test
    void aRankAboveMaxRanksIsADeadLetterNotARosterOf1e8() {
        assertThat(code(problem(token("a", 100_000_000, 1, "r1", T0, 10, false))))
                .isEqualTo("RANK_OVER_LIMIT");
        assertThat(code(problem(token("a", InputLimits.DEFAULT_MAX_RANKS, 1, "r1", T0, 10, false))))
                .isEqualTo("RANK_OVER_LIMIT");
        assertThat(problem(token("a", InputLimits.DEFAULT_MAX_RANKS - 1, 1, "r1", T0, 10, false)))
                .isNull();
    }

    @Test
    void contextTokensAboveMaxTokensAreADeadLetter() {
        assertThat(problem(token("a", 0, 1, "r1", T0, 1_000_000_000_000L, false)))
                .startsWith("TOKENS_OVER_LIMIT: context_tokens 1000000000000 > --max-tokens 10000000");
        assertThat(problem(token("a", 0, 1, "r1", T0, InputLimits.DEFAULT_MAX_TOKENS, false)))
                .isNull();
    }

    @Test
    void emptyIdsAreDeadLettersWithTheirOwnReasons() {
        assertThat(code(problem(token("", 0, 1, "r1", T0, 10, false)))).isEqualTo("EMPTY_CLUSTER_ID");
        assertThat(code(problem(token("a", 0, 1, "", T0, 10, false)))).isEqualTo("EMPTY_REQUEST_ID");
    }

    @Test
    void idsOf200KbAreDeadLettersAndTheReasonDoesNotQuoteThem() {
        String huge = "x".repeat(200 * 1024);
        String cluster = problem(token(huge, 0, 1, "r1", T0, 10, false));
        String request = problem(token("a", 0, 1, huge, T0, 10, false));

        assertThat(cluster).isEqualTo("ID_TOO_LONG: cluster_id of 204800 characters > --max-id-length 256");
        assertThat(request).isEqualTo("ID_TOO_LONG: request_id of 204800 characters > --max-id-length 256");
    }

    @Test
    void aKeyAboveMaxKeyBytesIsADeadLetter() {
        byte[] key = new byte[400 * 1024];
        assertThat(code(problem(token("a", 0, 1, "r1", T0, 10, false), key))).isEqualTo("KEY_TOO_LONG");
    }

    @Test
    void anEventTimeInYear2100IsADeadLetterButAPastOnePasses() {
        long year2100 = ZonedDateTime.of(2100, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC)
                .toInstant()
                .toEpochMilli();
        assertThat(code(problem(token("a", 0, 1, "r1", year2100, 10, false)))).isEqualTo("EVENT_TIME_IN_FUTURE");
        long inAMinute = Instant.now().plusSeconds(60).toEpochMilli();
        assertThat(problem(token("a", 0, 1, "r1", inAMinute, 10, false)))
                .as("within --max-future-skew")
                .isNull();
    }

    @Test
    void rankStepsKeepTheSameBounds() {
        byte[] key = "a/0".getBytes(StandardCharsets.UTF_8);
        assertThat(code(RANK_STEPS.decode(
                                "dp.rank-steps",
                                0,
                                1,
                                key,
                                Codecs.RANK_STEP.encode(rankStep("a", 100_000_000, 1, T0, 1, 10, null, null)))
                        .problem))
                .isEqualTo("RANK_OVER_LIMIT");
        assertThat(code(RANK_STEPS.decode(
                                "dp.rank-steps",
                                0,
                                1,
                                key,
                                Codecs.RANK_STEP.encode(rankStep("a", 0, 1, T0, 1, 1_000_000_000_000L, null, null)))
                        .problem))
                .isEqualTo("TOKENS_OVER_LIMIT");
        assertThat(code(RANK_STEPS.decode(
                                "dp.rank-steps",
                                0,
                                1,
                                key,
                                Codecs.RANK_STEP.encode(rankStep("", 0, 1, T0, 1, 10, null, null)))
                        .problem))
                .isEqualTo("EMPTY_CLUSTER_ID");
    }

    /** A sample stands for 1 to step steps (the step and the ones before it since step 1); else BAD_STEP. */
    @Test
    void aRankStepSampleOfNoStepsOrMoreThanItsStepIsABadStep() {
        byte[] key = "a/0".getBytes(StandardCharsets.UTF_8);
        for (long bad : new long[] {0, -40, 81, Long.MAX_VALUE}) {
            RankStep sample = rankStep("a", 0, 80, T0, 1, 10, null, null);
            sample.setSampledSteps(bad);
            String problem = RANK_STEPS.decode("dp.rank-steps", 0, 1, key, Codecs.RANK_STEP.encode(sample)).problem;
            assertThat(code(problem)).as("sampled_steps %d", bad).isEqualTo("BAD_STEP");
            assertThat(problem).contains("sampled_steps " + bad);
        }
        for (Long good : new Long[] {null, 1L, 40L, 80L}) {
            RankStep sample = rankStep("a", 0, 80, T0, 1, 10, null, null);
            sample.setSampledSteps(good);
            assertThat(RANK_STEPS.decode("dp.rank-steps", 0, 1, key, Codecs.RANK_STEP.encode(sample)).problem)
                    .as("sampled_steps %s", good)
                    .isNull();
        }
    }

    @Test
    void configuredLimitsApply() {
        InputLimits tight = new InputLimits(8, 100, 4, 16, Duration.ZERO);
        InputDecoder<TokenEvent> decoder = TraceAnalyticsJob.tokenEventDecoder(settings(), tight);
        byte[] key = "a/0".getBytes(StandardCharsets.UTF_8);

        assertThat(code(decoder.decode("t", 0, 0, key, Codecs.TOKEN_EVENT.encode(token("a", 8, 1, "r1", T0, 10, false)))
                        .problem))
                .isEqualTo("RANK_OVER_LIMIT");
        assertThat(code(decoder.decode(
                                "t", 0, 0, key, Codecs.TOKEN_EVENT.encode(token("a", 0, 1, "r1", T0, 101, false)))
                        .problem))
                .isEqualTo("TOKENS_OVER_LIMIT");
        assertThat(code(decoder.decode(
                                "t", 0, 0, key, Codecs.TOKEN_EVENT.encode(token("a", 0, 1, "r1234", T0, 1, false)))
                        .problem))
                .isEqualTo("ID_TOO_LONG");
    }

    @Test
    void aConfiguredRosterAboveMaxRanksIsRefusedByTheFlags() {
        TraceAnalyticsJob job = new TraceAnalyticsJob();
        new picocli.CommandLine(job).parseArgs("--roster", "a=5000", "--input-files", "/nonexistent");
        assertThatThrownBy(() -> job.define(
                        org.apache.flink.streaming.api.environment.StreamExecutionEnvironment
                                .getExecutionEnvironment()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--roster: cluster 'a' has 5000 ranks, more than --max-ranks 4096");
    }

    @Test
    void badLimitFlagsNameTheFlag() {
        TraceAnalyticsJob job = new TraceAnalyticsJob();
        new picocli.CommandLine(job).parseArgs("--max-tokens", "0", "--input-files", "/nonexistent");
        assertThatThrownBy(() -> job.define(
                        org.apache.flink.streaming.api.environment.StreamExecutionEnvironment
                                .getExecutionEnvironment()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--max-tokens must be >= 1, got 0");
    }
}
