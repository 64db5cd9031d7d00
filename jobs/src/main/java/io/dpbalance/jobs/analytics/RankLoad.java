package io.dpbalance.jobs.analytics;

import io.dpbalance.jobs.io.InputRecord;
import io.dpbalance.schemas.RankStep;

/**
 * One rank's share of one step: the load the step metrics need, from a RankStep record or folded from token events
 * (then possibly only part of the rank's tokens, see {@link #merge}). A Flink POJO.
 */
public final class RankLoad {

    public String clusterId;
    public int rank;
    public long step;
    /** Earliest record time of this share, epoch milliseconds: step_start, or the first token's event_time. */
    public long time;
    /** Requests that ran on the rank in the step. */
    public int running;
    /** Resident KV tokens at the end of the step. */
    public long kvTokens;
    /** Input records this share was made of (1 for a RankStep), for counting late records. */
    public long records;
    /**
     * The rank's load entering the step (every running request's context before this step's token), known only when
     * folded from token events: the sum of their {@code context_tokens - 1}. Null for a RankStep record, which carries
     * only the load at the step's end.
     */
    public Long enteringTokens;
    /** Measured compute time of the rank, microseconds; null when not measured. */
    public Long computeMicros;
    /** Measured duration of the whole step, microseconds; null when not measured. */
    public Long stepMicros;
    /**
     * Decode steps this share stands for when the log samples the cluster (RankStep {@code sampled_steps}); null: 1
     * (every token fold, and a RankStep of every step).
     */
    public Long sampledSteps;
    /** True when this share is a RankStep record, false when folded from token events. */
    public boolean fromRankStep;
    /**
     * Where a RankStep record was read (topic, partition, offset) and its bytes, for its dead letter should it repeat
     * a rank-step its step window already has, or come after the window closed; null (0) once the step window closed.
     * For a token share, {@code sourceTopic} is the topic its tokens were read from.
     */
    public String sourceTopic;

    public int sourcePartition;
    public long sourceOffset;
    public byte[] payload;
    /**
     * Where each token of a token share was read (in {@code sourceTopic}), for the tokens' dead letters should the share
     * reach its step window after the window closed; null for a RankStep and in a step window's state.
     */
    public int[] tokenPartitions;

    public long[] tokenOffsets;

    public RankLoad() {}

    /** The share of a RankStep input record, with where it was read. */
    static RankLoad of(InputRecord<RankStep> input) {
        RankLoad load = of(input.value);
        load.sourceTopic = input.topic;
        load.sourcePartition = input.partition;
        load.sourceOffset = input.offset;
        load.payload = input.payload;
        return load;
    }

    static RankLoad of(RankStep record) {
        RankLoad load = new RankLoad();
        load.clusterId = record.getClusterId();
        load.rank = record.getRank();
        load.step = record.getStep();
        load.time = record.getStepStart().toEpochMilli();
        load.running = record.getRunning();
        load.kvTokens = record.getKvTokens();
        load.records = 1;
        load.computeMicros = record.getComputeMicros();
        load.stepMicros = record.getStepMicros();
        load.sampledSteps = record.getSampledSteps();
        load.fromRankStep = true;
        return load;
    }

    /**
     * The rank's load given two shares of it. Token folds add up (out-of-order tokens can reach the step window in
     * several shares). A RankStep is the rank's whole record: it wins over token shares. Two RankSteps of one rank and
     * step never merge: {@link StepWindowFunction} keeps the first and dead-letters the repeat
     * ({@code RANK_STEP_REPEATED}).
     */
    static RankLoad merge(RankLoad existing, RankLoad incoming) {
        if (incoming.fromRankStep) {
            return incoming;
        }
        if (existing.fromRankStep) {
            return existing;
        }
        RankLoad sum = new RankLoad();
        sum.clusterId = existing.clusterId;
        sum.rank = existing.rank;
        sum.step = existing.step;
        sum.time = Math.min(existing.time, incoming.time);
        sum.running = existing.running + incoming.running;
        sum.kvTokens = existing.kvTokens + incoming.kvTokens;
        sum.enteringTokens = existing.enteringTokens + incoming.enteringTokens;
        sum.records = existing.records + incoming.records;
        return sum;
    }

    /** The steps this share stands for: {@link #sampledSteps}, 1 when null. */
    long stepsRepresented() {
        return sampledSteps == null ? 1 : sampledSteps;
    }

    @Override
    public String toString() {
        return clusterId + " rank " + rank + " step " + step + " @" + time + ": running " + running + ", kv " + kvTokens
                + (sampledSteps == null ? "" : ", stands for " + sampledSteps + " steps")
                + (fromRankStep ? " (rank-step)" : " (" + records + " tokens)");
    }
}
