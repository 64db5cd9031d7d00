package io.dpbalance.jobs.analytics;

import io.dpbalance.jobs.io.InputRecord;
import io.dpbalance.schemas.TokenEvent;
import org.apache.flink.api.common.typeinfo.TypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * A valid token event as the request check and the rank-step fold use it, with where it came from for a dead letter:
 * the job's record from the source to the request check, and what the check keeps while a token waits. Several times
 * cheaper to ship, copy and checkpoint than the Avro {@link TokenEvent} inside an {@link InputRecord}: immutable, with
 * a serializer of its own ({@link RequestTokenSerializer}), so that Flink never copies it.
 *
 * <p>In {@link RequestStepOrderFunction}'s state, a waiting token leaves {@code clusterId}, {@code requestId} (its
 * key says them) and a {@code topic} equal to its request's null: {@link RequestProgress} holds them once.
 *
 * @param time event_time, epoch milliseconds: the step's start
 * @param contextTokens context_tokens: prompt plus generated tokens, this one included
 * @param last the request's last token (field {@code final} of the record)
 * @param topic the topic (or file) the record was read from
 * @param payload the record's bytes exactly as read; never changed
 */
@TypeInfo(RequestTokenSerializer.TypeInfoFactory.class)
public record RequestToken(
        String clusterId,
        String requestId,
        int rank,
        long step,
        long time,
        long contextTokens,
        boolean last,
        String topic,
        int partition,
        long offset,
        byte[] payload) {

    static final TypeInformation<RequestToken> TYPE = TypeInformation.of(RequestToken.class);

    /** The token of a valid input record. */
    static RequestToken of(InputRecord<TokenEvent> record) {
        TokenEvent value = record.value;
        return new RequestToken(
                value.getClusterId(),
                value.getRequestId(),
                value.getRank(),
                value.getStep(),
                value.getEventTime().toEpochMilli(),
                value.getContextTokens(),
                value.getFinal$(),
                record.topic,
                record.partition,
                record.offset,
                record.payload);
    }

    /** This token with other strings (as it waits in state, or whole again). */
    RequestToken withStrings(String clusterId, String requestId, String topic) {
        return new RequestToken(
                clusterId, requestId, rank, step, time, contextTokens, last, topic, partition, offset, payload);
    }

    @Override
    public String toString() {
        return clusterId + " request " + requestId + " rank " + rank + " step " + step + " @" + time + ": context "
                + contextTokens + (last ? " (last)" : "") + " from " + topic + "[" + partition + "]@" + offset;
    }
}
