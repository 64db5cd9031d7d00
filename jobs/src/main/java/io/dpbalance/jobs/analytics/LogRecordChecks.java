package io.dpbalance.jobs.analytics;

import io.dpbalance.jobs.io.InputLimits;
import io.dpbalance.jobs.io.RecordCheck;
import io.dpbalance.schemas.RankStep;
import io.dpbalance.schemas.TokenEvent;
import java.util.Map;

/**
 * The checks of decode-log records that need no state, run by the sources as they read (so that a bad record cannot
 * move the watermark). Reasons are the dead-letter reason codes of the job; {@link RequestStepOrderFunction} adds the
 * per-request ones. The bounds (ranks, tokens, ids, event time) are the {@link InputLimits} both jobs share; the
 * {@code cluster_id} and key are checked by the decoder for every record type.
 */
public final class LogRecordChecks {

    public static final String NEGATIVE_COUNT = "NEGATIVE_COUNT";
    public static final String ABSURD_COUNT = "ABSURD_COUNT";
    public static final String RANK_OUTSIDE_ROSTER = "RANK_OUTSIDE_ROSTER";
    public static final String BAD_STEP = "BAD_STEP";

    private LogRecordChecks() {}

    static RecordCheck<TokenEvent> tokenEvents(Map<String, Integer> roster, InputLimits limits) {
        return token -> {
            String rank = rankProblem(token.getClusterId(), token.getRank(), roster, limits);
            if (rank != null) {
                return rank;
            }
            String request = limits.requestIdProblem(token.getRequestId());
            if (request != null) {
                return request;
            }
            if (token.getStep() < 1) {
                return BAD_STEP + ": step " + token.getStep() + ", steps are numbered from 1";
            }
            if (token.getContextTokens() < 0) {
                return NEGATIVE_COUNT + ": context_tokens " + token.getContextTokens();
            }
            // The token just generated is part of the context: a context of 0 tokens cannot be.
            if (token.getContextTokens() == 0) {
                return ABSURD_COUNT + ": context_tokens 0, the generated token itself is in the context";
            }
            String tokens = limits.tokensProblem("context_tokens", token.getContextTokens());
            if (tokens != null) {
                return tokens;
            }
            return limits.eventTimeProblem(
                    "event_time", token.getEventTime().toEpochMilli(), System.currentTimeMillis());
        };
    }

    static RecordCheck<RankStep> rankSteps(Map<String, Integer> roster, InputLimits limits) {
        return record -> {
            String rank = rankProblem(record.getClusterId(), record.getRank(), roster, limits);
            if (rank != null) {
                return rank;
            }
            if (record.getStep() < 1) {
                return BAD_STEP + ": step " + record.getStep() + ", steps are numbered from 1";
            }
            Long sampled = record.getSampledSteps();
            if (sampled != null && (sampled < 1 || sampled > record.getStep())) {
                return BAD_STEP + ": sampled_steps " + sampled + " at step " + record.getStep()
                        + ", a sample stands for 1 to step steps";
            }
            if (record.getRunning() < 0) {
                return NEGATIVE_COUNT + ": running " + record.getRunning();
            }
            if (record.getKvTokens() < 0) {
                return NEGATIVE_COUNT + ": kv_tokens " + record.getKvTokens();
            }
            if (record.getComputeMicros() != null && record.getComputeMicros() < 0) {
                return NEGATIVE_COUNT + ": compute_micros " + record.getComputeMicros();
            }
            if (record.getStepMicros() != null && record.getStepMicros() < 0) {
                return NEGATIVE_COUNT + ": step_micros " + record.getStepMicros();
            }
            // A rank's KV cache holds far fewer tokens than the limit of one request (GPU memory): more is garbage.
            String running = limits.tokensProblem("running", record.getRunning());
            if (running != null) {
                return running;
            }
            String kv = limits.tokensProblem("kv_tokens", record.getKvTokens());
            if (kv != null) {
                return kv;
            }
            // No check of running against kv_tokens: kv_tokens is what stays resident at the step's end, after the
            // requests
            // that generated their last token left, so a rank whose every request finished has running > 0 and
            // kv_tokens 0.
            return limits.eventTimeProblem(
                    "step_start", record.getStepStart().toEpochMilli(), System.currentTimeMillis());
        };
    }

    private static String rankProblem(String clusterId, int rank, Map<String, Integer> roster, InputLimits limits) {
        Integer ranks = roster.get(clusterId);
        if (ranks == null && rank >= 0) {
            // A cluster learns its roster from its ranks: an absurd rank would grow it to that many idle ranks.
            return limits.rankProblem(rank);
        }
        if (rank < 0 || (ranks != null && rank >= ranks)) {
            return RANK_OUTSIDE_ROSTER + ": rank " + rank + " of cluster '" + clusterId + "', "
                    + (ranks == null ? "ranks are numbered from 0" : "its roster has ranks 0.." + (ranks - 1));
        }
        return null;
    }
}
