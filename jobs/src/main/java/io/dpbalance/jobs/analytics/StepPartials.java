package io.dpbalance.jobs.analytics;

import io.dpbalance.schemas.DeadLetter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

/**
 * Partial steps of batch execution ({@link StepLoadCombiner}): how partials of one step add up, and how the step
 * window they make closes, by {@link StepWindowFunction}'s rules.
 *
 * <p>The closed step does not depend on how the step's shares were split into partials or in which order they came:
 * per rank, the rank-steps are admitted first, earliest record time first (then by where they were read), so the
 * earliest counts and each other one is a {@code RANK_STEP_REPEATED} dead letter naming it, as when batch execution
 * sorted the rank-steps themselves by time into the step window; token shares add up ({@link RankLoad#merge}), and a
 * rank-step replaces them.
 */
final class StepPartials {

    /** Rank-steps before token shares; the earliest rank-step first, then by where it was read. */
    private static final Comparator<RankLoad> ADMISSION = Comparator.<RankLoad>comparingInt(load -> load.rank)
            .thenComparing(load -> !load.fromRankStep)
            .thenComparingLong(load -> load.fromRankStep ? load.time : 0)
            .thenComparing(load -> load.sourceTopic, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparingInt(load -> load.sourcePartition)
            .thenComparingLong(load -> load.sourceOffset);

    private StepPartials() {}

    /** Two partials of one step as one: every share of both, from the earlier start. */
    static StepLoads merge(StepLoads held, StepLoads partial) {
        RankLoad[] ranks = Arrays.copyOf(held.ranks, held.ranks.length + partial.ranks.length);
        System.arraycopy(partial.ranks, 0, ranks, held.ranks.length, partial.ranks.length);
        return StepLoads.of(held.clusterId, held.step, Math.min(held.stepStart, partial.stepStart), ranks);
    }

    /**
     * The step window that every share of the step, {@code partial}, makes, as {@link StepWindowFunction} closes it;
     * each repeated rank-step goes to {@code repeats} as its dead letter. Where a share was read is dropped: it
     * matters only to a dead letter, and the closed step has none to come.
     */
    static StepLoads close(StepLoads partial, Consumer<DeadLetter> repeats) {
        RankLoad[] shares = partial.ranks.clone();
        Arrays.sort(shares, ADMISSION);
        List<RankLoad> admitted = new ArrayList<>();
        RankLoad counted = null;
        for (RankLoad load : shares) {
            if (counted != null && counted.rank != load.rank) {
                admitted.add(counted);
                counted = null;
            }
            if (StepWindowFunction.repeats(counted, load)) {
                repeats.accept(StepWindowFunction.repeatDeadLetter(counted, load));
            } else {
                counted = counted == null ? load : RankLoad.merge(counted, load);
            }
        }
        admitted.add(counted);
        for (RankLoad load : admitted) {
            load.sourceTopic = null;
            load.sourcePartition = 0;
            load.sourceOffset = 0;
            load.tokenPartitions = null;
            load.tokenOffsets = null;
        }
        return StepLoads.closed(admitted);
    }
}
