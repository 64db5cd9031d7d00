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
    /** Where the request record came from and its bytes, for the dead letter of a request that comes late. */
    public String topic;

    public int partition;
    public long offset;
    public byte[] payload;

    public ShadowInput() {}

    /** The copy for {@code policy} of a request read from {@code record}. */
    static ShadowInput of(io.dpbalance.jobs.io.InputRecord<RequestArrival> record, String policy) {
        ShadowInput in = of(record.value, policy);
        in.topic = record.topic;
        in.partition = record.partition;
        in.offset = record.offset;
        in.payload = record.payload;
        return in;
    }

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
