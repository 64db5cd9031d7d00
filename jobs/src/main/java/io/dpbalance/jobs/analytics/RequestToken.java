package io.dpbalance.jobs.analytics;

import io.dpbalance.jobs.io.InputRecord;
import io.dpbalance.schemas.TokenEvent;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * A valid token event as the request check and the rank-step fold use it, with where it came from for a dead letter.
 * The job's records between the source and the step windows: a Flink POJO of primitives and strings, several times
 * cheaper to ship and to keep in state than the Avro {@link TokenEvent} inside an {@link InputRecord}.
 *
 * <p>In {@link RequestStepOrderFunction}'s state, a waiting token leaves {@link #clusterId}, {@link #requestId} (its
 * key says them) and a {@link #topic} equal to its request's null: {@link RequestProgress} holds them once.
 */
public final class RequestToken {

  static final TypeInformation<RequestToken> TYPE = TypeInformation.of(RequestToken.class);

  public String clusterId;
  public String requestId;
  public int rank;
  public long step;
  /** event_time, epoch milliseconds: the step's start. */
  public long time;
  /** context_tokens: prompt plus generated tokens, this one included. */
  public long contextTokens;
  /** The request's last token (field {@code final} of the record). */
  public boolean last;
  /** The topic (or file) the record was read from. */
  public String topic;
  public int partition;
  public long offset;
  /** The record's bytes exactly as read. */
  public byte[] payload;

  public RequestToken() {}

  /** The token of a valid input record. */
  static RequestToken of(InputRecord<TokenEvent> record) {
    TokenEvent value = record.value;
    RequestToken token = new RequestToken();
    token.clusterId = value.getClusterId();
    token.requestId = value.getRequestId();
    token.rank = value.getRank();
    token.step = value.getStep();
    token.time = value.getEventTime().toEpochMilli();
    token.contextTokens = value.getContextTokens();
    token.last = value.getFinal$();
    token.topic = record.topic;
    token.partition = record.partition;
    token.offset = record.offset;
    token.payload = record.payload;
    return token;
  }

  @Override
  public String toString() {
    return clusterId + " request " + requestId + " rank " + rank + " step " + step + " @" + time + ": context "
        + contextTokens + (last ? " (last)" : "") + " from " + topic + "[" + partition + "]@" + offset;
  }
}
