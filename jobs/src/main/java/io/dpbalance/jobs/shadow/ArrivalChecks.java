package io.dpbalance.jobs.shadow;

import io.dpbalance.jobs.analytics.LogRecordChecks;
import io.dpbalance.jobs.io.InputLimits;
import io.dpbalance.jobs.io.RecordCheck;
import io.dpbalance.schemas.RequestArrival;

/**
 * The checks of request records that need no state, run by the source as it reads (a bad record cannot move the
 * watermark). Reasons are dead-letter reason codes. The bounds (tokens, ids, ranks, event time) are the
 * {@link InputLimits} both jobs share; the {@code cluster_id} and key are checked by the decoder.
 */
final class ArrivalChecks {

    private ArrivalChecks() {}

    static RecordCheck<RequestArrival> check(InputLimits limits) {
        return arrival -> problem(arrival, limits, System.currentTimeMillis());
    }

    static String problem(RequestArrival arrival, InputLimits limits, long nowMillis) {
        String request = limits.requestIdProblem(arrival.getRequestId());
        if (request != null) {
            return request;
        }
        if (arrival.getModel() != null) {
            String model = limits.idProblem("model", arrival.getModel());
            if (model != null) {
                return model;
            }
        }
        String prompt = count("prompt_tokens", arrival.getPromptTokens(), limits);
        if (prompt != null) {
            return prompt;
        }
        if (arrival.getOutputTokens() != null) {
            String output = count("output_tokens", arrival.getOutputTokens(), limits);
            if (output != null) {
                return output;
            }
        }
        if (arrival.getRank() != null) {
            if (arrival.getRank() < 0) {
                return LogRecordChecks.RANK_OUTSIDE_ROSTER + ": rank " + arrival.getRank()
                        + ", ranks are numbered from 0";
            }
            String rank = limits.rankProblem(arrival.getRank());
            if (rank != null) {
                return rank;
            }
        }
        return limits.eventTimeProblem("arrival_time", arrival.getArrivalTime().toEpochMilli(), nowMillis);
    }

    private static String count(String field, long value, InputLimits limits) {
        if (value < 0) {
            return LogRecordChecks.NEGATIVE_COUNT + ": " + field + " " + value;
        }
        if (value == 0) {
            return LogRecordChecks.ABSURD_COUNT + ": " + field + " 0, a request has at least one token";
        }
        return limits.tokensProblem(field, value);
    }
}
