package io.dpbalance.jobs.shadow;

import io.dpbalance.engine.sim.PendingArrival;
import io.dpbalance.schemas.RequestArrival;

/**
 * What one shadow (cluster, policy) hears of one request: a {@link RequestArrival} copied once per policy. A Flink
 * POJO.
 */
public final class ShadowInput {

  public String clusterId;
  public String policy;
  public String requestId;
  public long arrivalMillis;
  public int promptTokens;
  /** The output length, or {@link PendingArrival#UNKNOWN_OUTPUT} while production has not finished the request. */
  public int outputTokens;

  public ShadowInput() {}

  static ShadowInput of(RequestArrival arrival, String policy) {
    ShadowInput in = new ShadowInput();
    in.clusterId = arrival.getClusterId();
    in.policy = policy;
    in.requestId = arrival.getRequestId();
    in.arrivalMillis = arrival.getArrivalTime().toEpochMilli();
    in.promptTokens = Math.toIntExact(arrival.getPromptTokens());
    Long output = arrival.getOutputTokens();
    in.outputTokens = output == null ? PendingArrival.UNKNOWN_OUTPUT : Math.toIntExact(output);
    return in;
  }

  @Override
  public String toString() {
    return clusterId + "/" + policy + " " + requestId + "@" + arrivalMillis;
  }
}
