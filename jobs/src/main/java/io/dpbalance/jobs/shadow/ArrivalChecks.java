package io.dpbalance.jobs.shadow;

import io.dpbalance.jobs.analytics.LogRecordChecks;
import io.dpbalance.jobs.io.RecordCheck;
import io.dpbalance.schemas.RequestArrival;

/**
 * The checks of request records that need no state, run by the source as it reads (a bad record cannot move the
 * watermark). Reasons are dead-letter reason codes.
 */
final class ArrivalChecks {

  /** Requests longer than this (prompt or output, tokens) are taken for garbage. */
  static final long MAX_TOKENS = 100_000_000L;

  static final RecordCheck<RequestArrival> CHECK = ArrivalChecks::problem;

  private ArrivalChecks() {}

  static String problem(RequestArrival arrival) {
    if (arrival.getRequestId().isEmpty()) {
      return "BAD_REQUEST_ID: empty request_id";
    }
    String prompt = count("prompt_tokens", arrival.getPromptTokens());
    if (prompt != null) {
      return prompt;
    }
    if (arrival.getOutputTokens() != null) {
      String output = count("output_tokens", arrival.getOutputTokens());
      if (output != null) {
        return output;
      }
    }
    if (arrival.getRank() != null && arrival.getRank() < 0) {
      return LogRecordChecks.RANK_OUTSIDE_ROSTER + ": rank " + arrival.getRank() + ", ranks are numbered from 0";
    }
    return null;
  }

  private static String count(String field, long value) {
    if (value < 0) {
      return LogRecordChecks.NEGATIVE_COUNT + ": " + field + " " + value;
    }
    if (value == 0) {
      return LogRecordChecks.ABSURD_COUNT + ": " + field + " 0, a request has at least one token";
    }
    if (value > MAX_TOKENS) {
      return LogRecordChecks.ABSURD_COUNT + ": " + field + " " + value + " > " + MAX_TOKENS;
    }
    return null;
  }
}
