package io.dpbalance.jobs.analytics;

import io.dpbalance.jobs.io.RecordCheck;
import io.dpbalance.schemas.RankStep;
import io.dpbalance.schemas.TokenEvent;
import java.util.Map;

/**
 * The checks of decode-log records that need no state, run by the sources as they read (so that a bad record cannot
 * move the watermark). Reasons are the dead-letter reason codes of the job; {@link RequestStepOrderFunction} adds the
 * per-request ones.
 */
public final class LogRecordChecks {

  public static final String NEGATIVE_COUNT = "NEGATIVE_COUNT";
  public static final String ABSURD_COUNT = "ABSURD_COUNT";
  public static final String RANK_OUTSIDE_ROSTER = "RANK_OUTSIDE_ROSTER";
  public static final String BAD_STEP = "BAD_STEP";

  private LogRecordChecks() {}

  static RecordCheck<TokenEvent> tokenEvents(Map<String, Integer> roster) {
    return token -> {
      String rank = rankProblem(token.getClusterId(), token.getRank(), roster);
      if (rank != null) {
        return rank;
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
      return null;
    };
  }

  static RecordCheck<RankStep> rankSteps(Map<String, Integer> roster) {
    return record -> {
      String rank = rankProblem(record.getClusterId(), record.getRank(), roster);
      if (rank != null) {
        return rank;
      }
      if (record.getStep() < 1) {
        return BAD_STEP + ": step " + record.getStep() + ", steps are numbered from 1";
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
      // No check of running against kv_tokens: kv_tokens is what stays resident at the step's end, after the requests
      // that generated their last token left, so a rank whose every request finished has running > 0 and kv_tokens 0.
      return null;
    };
  }

  private static String rankProblem(String clusterId, int rank, Map<String, Integer> roster) {
    Integer ranks = roster.get(clusterId);
    if (rank < 0 || (ranks != null && rank >= ranks)) {
      return RANK_OUTSIDE_ROSTER + ": rank " + rank + " of cluster '" + clusterId + "', "
          + (ranks == null ? "ranks are numbered from 0" : "its roster has ranks 0.." + (ranks - 1));
    }
    return null;
  }
}
