package io.dpbalance.jobs.analytics;

import io.dpbalance.schemas.BoundedDeadLetter;
import io.dpbalance.schemas.DeadLetter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Keyed by (cluster, step): the step window. Collects every rank's {@link RankLoad} of one step and closes when the
 * watermark passes the step's earliest record time plus the max step spread: by then every rank's record that was not
 * later than the out-of-orderness bound has arrived. Emits the ranks' loads; a share arriving after its step window
 * closed is counted on {@link #LATE}, changes nothing, and each of its records is a {@code LATE_RECORD} dead letter.
 */
final class StepWindowFunction extends KeyedProcessFunction<String, RankLoad, StepLoads> {

    static final OutputTag<StepOutcome> LATE = new OutputTag<>("late-rank-steps") {};
    static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("rank-step-dead-letters") {};
    /** A second RankStep of a (cluster, rank, step) whose step window already has one. */
    static final String RANK_STEP_REPEATED = "RANK_STEP_REPEATED";

    private final long maxStepSpreadMillis;

    private transient MapState<Integer, RankLoad> ranks;
    private transient ValueState<Long> closeAt;
    private transient Counter lateRecords;
    private transient Counter stepWindowsClosed;

    StepWindowFunction(AnalyticsSettings settings) {
        this.maxStepSpreadMillis = settings.maxStepSpread().toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        ranks = getRuntimeContext()
                .getMapState(new MapStateDescriptor<>("rank-loads", Types.INT, TypeInformation.of(RankLoad.class)));
        closeAt = getRuntimeContext().getState(new ValueStateDescriptor<>("close-at", Types.LONG));
        lateRecords = getRuntimeContext().getMetricGroup().counter("lateRecords");
        stepWindowsClosed = getRuntimeContext().getMetricGroup().counter("stepWindowsClosed");
    }

    @Override
    public void processElement(RankLoad load, Context ctx, Collector<StepLoads> out) throws Exception {
        long close = load.time + maxStepSpreadMillis;
        long watermark = ctx.timerService().currentWatermark();
        if (watermark >= close) {
            lateRecords.inc(load.records);
            ctx.output(LATE, StepOutcome.late(load.clusterId, AnalyticsSettings.OBSERVED, load.time, load.records));
            lateDeadLetters(load, watermark, ctx);
            return;
        }
        RankLoad existing = ranks.get(load.rank);
        if (repeats(existing, load)) {
            // The first rank-step of a rank and step counts; a repeat (a producer's resend or a conflicting record) is
            // a dead letter, so that it is neither counted twice nor silently replaces what was counted.
            ctx.output(DEAD_LETTERS, repeatDeadLetter(existing, load));
            return;
        }
        if (!load.fromRankStep) {
            // The tokens' positions are needed only if the share came late: the open window's state need not keep them.
            load.sourceTopic = null;
            load.tokenPartitions = null;
            load.tokenOffsets = null;
        }
        ranks.put(load.rank, existing == null ? load : RankLoad.merge(existing, load));
        Long scheduled = closeAt.value();
        if (scheduled == null || close < scheduled) {
            if (scheduled != null) {
                ctx.timerService().deleteEventTimeTimer(scheduled);
            }
            ctx.timerService().registerEventTimeTimer(close);
            closeAt.update(close);
        }
    }

    /**
     * Whether {@code load} repeats what its step window already counts for its rank: a second rank-step. Token shares
     * add up, and a rank-step replaces token shares ({@link RankLoad#merge}).
     */
    static boolean repeats(RankLoad counted, RankLoad load) {
        return counted != null && counted.fromRankStep && load.fromRankStep;
    }

    /** The {@code RANK_STEP_REPEATED} dead letter of {@code repeat}, naming the rank-step {@code counted} that counts. */
    static DeadLetter repeatDeadLetter(RankLoad counted, RankLoad repeat) {
        return BoundedDeadLetter.of(
                repeat.clusterId,
                repeat.sourceTopic == null ? "" : repeat.sourceTopic,
                repeat.sourcePartition,
                repeat.sourceOffset,
                RANK_STEP_REPEATED + ": cluster '" + repeat.clusterId + "' rank " + repeat.rank + " step "
                        + repeat.step + " already has a rank-step (" + counted.sourceTopic + " partition "
                        + counted.sourcePartition + " offset " + counted.sourceOffset + ")",
                repeat.payload == null ? new byte[0] : repeat.payload,
                Instant.ofEpochMilli(System.currentTimeMillis()));
    }

    /**
     * Each record of a share that came after its step window closed becomes a {@code LATE_RECORD} dead letter, so that
     * none vanishes: a rank-step with its bytes, each token of a token share with its topic, partition and offset (its
     * bytes were left behind by the fold; they stay at that offset).
     */
    private void lateDeadLetters(RankLoad load, long watermark, Context ctx) {
        Instant now = Instant.ofEpochMilli(System.currentTimeMillis());
        String topic = load.sourceTopic == null ? "" : load.sourceTopic;
        String reason = RequestStepOrderFunction.lateReason(load.time, watermark, maxStepSpreadMillis)
                + " at the step window of cluster '" + load.clusterId + "' step " + load.step;
        if (load.fromRankStep) {
            ctx.output(
                    DEAD_LETTERS,
                    BoundedDeadLetter.of(
                            load.clusterId,
                            topic,
                            load.sourcePartition,
                            load.sourceOffset,
                            reason,
                            load.payload == null ? new byte[0] : load.payload,
                            now));
            return;
        }
        for (int i = 0; i < load.tokenOffsets.length; i++) {
            ctx.output(
                    DEAD_LETTERS,
                    BoundedDeadLetter.of(
                            load.clusterId,
                            topic,
                            load.tokenPartitions[i],
                            load.tokenOffsets[i],
                            reason + " (rank " + load.rank + "'s tokens; bytes not kept past the token fold)",
                            new byte[0],
                            now));
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<StepLoads> out) throws Exception {
        List<RankLoad> loads = new ArrayList<>();
        ranks.values().forEach(loads::add);
        out.collect(StepLoads.closed(loads));
        stepWindowsClosed.inc();
        // The step window is closed: its records are in the output, and a late one is judged by the watermark alone.
        ranks.clear();
        closeAt.clear();
    }
}
