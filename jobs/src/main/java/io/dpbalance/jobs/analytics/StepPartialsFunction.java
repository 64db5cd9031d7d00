package io.dpbalance.jobs.analytics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Batch execution's step window, keyed by (cluster, step): merges the partial {@link StepLoads} of
 * {@link StepLoadCombiner} into the step's closed window, by {@link StepWindowFunction}'s rules, and emits it as
 * {@link StepWindowFunction} would have. Batch execution sorts the input by key and fires a key's timers when its
 * records are done, so every partial of a step is here when its timer fires; no watermark comes before that, so nothing
 * is late here (a late rank-step is judged where it is read, {@link RankStepsAsLoads}).
 *
 * <p>The result does not depend on how the step's shares were split into partials or in which order they came: per
 * rank, the rank-steps are admitted first, earliest record time first (then by where they were read), so the earliest
 * counts and each other one is a {@code RANK_STEP_REPEATED} dead letter naming it, as when batch execution sorted the
 * rank-steps themselves by time; token shares add up ({@link RankLoad#merge}), and a rank-step replaces them.
 */
final class StepPartialsFunction extends KeyedProcessFunction<String, StepLoads, StepLoads> {

    /** Rank-steps before token shares; the earliest rank-step first, then by where it was read. */
    private static final Comparator<RankLoad> ADMISSION = Comparator.<RankLoad>comparingInt(load -> load.rank)
            .thenComparing(load -> !load.fromRankStep)
            .thenComparingLong(load -> load.fromRankStep ? load.time : 0)
            .thenComparing(load -> load.sourceTopic, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparingInt(load -> load.sourcePartition)
            .thenComparingLong(load -> load.sourceOffset);

    private final long maxStepSpreadMillis;

    private transient ListState<RankLoad> shares;
    private transient Counter stepWindowsClosed;

    StepPartialsFunction(AnalyticsSettings settings) {
        this.maxStepSpreadMillis = settings.maxStepSpread().toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        shares = getRuntimeContext().getListState(new ListStateDescriptor<>("shares", LoadSerializers.RANK_LOAD));
        stepWindowsClosed = getRuntimeContext().getMetricGroup().counter("stepWindowsClosed");
    }

    @Override
    public void processElement(StepLoads partial, Context ctx, Collector<StepLoads> out) throws Exception {
        shares.addAll(Arrays.asList(partial.ranks));
        // The earliest of the timers fires first and closes the window; the others find it closed.
        ctx.timerService().registerEventTimeTimer(partial.stepStart + maxStepSpreadMillis);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<StepLoads> out) throws Exception {
        List<RankLoad> all = new ArrayList<>();
        shares.get().forEach(all::add);
        if (all.isEmpty()) {
            return;
        }
        all.sort(ADMISSION);
        List<RankLoad> admitted = new ArrayList<>();
        RankLoad counted = null;
        for (RankLoad load : all) {
            if (counted != null && counted.rank != load.rank) {
                admitted.add(counted);
                counted = null;
            }
            if (StepWindowFunction.repeats(counted, load)) {
                ctx.output(StepWindowFunction.DEAD_LETTERS, StepWindowFunction.repeatDeadLetter(counted, load));
            } else {
                counted = counted == null ? load : RankLoad.merge(counted, load);
            }
        }
        admitted.add(counted);
        for (RankLoad load : admitted) {
            // Where a share was read matters only to a dead letter, and the step has none to come.
            load.sourceTopic = null;
            load.sourcePartition = 0;
            load.sourceOffset = 0;
            load.tokenPartitions = null;
            load.tokenOffsets = null;
        }
        out.collect(StepLoads.closed(admitted));
        stepWindowsClosed.inc();
        // The step is closed; its shares would otherwise stay in state for good.
        shares.clear();
    }
}
