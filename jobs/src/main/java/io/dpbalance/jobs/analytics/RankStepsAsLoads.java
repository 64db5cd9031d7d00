package io.dpbalance.jobs.analytics;

import io.dpbalance.jobs.common.DeadLetters;
import io.dpbalance.jobs.io.InputRecord;
import io.dpbalance.schemas.DeadLetter;
import io.dpbalance.schemas.RankStep;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Valid rank-steps as {@link RankLoad}s, except a late one: a rank-step whose step window its source's watermark has
 * already passed (its step start plus the max step spread) is counted on {@link #LATE}, like a late token, and kept as
 * a dead letter ({@code LATE_RECORD}) with its bytes, topic, partition and offset: it never vanishes.
 *
 * <p>The step window downstream judges by a watermark that is never ahead of this one (the rank-step and the
 * watermarks before it come over the same channel), so a rank-step let through here is never late there.
 */
final class RankStepsAsLoads extends ProcessFunction<InputRecord<RankStep>, RankLoad> {

    static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("late-rank-step-dead-letters") {};
    static final OutputTag<StepOutcome> LATE = new OutputTag<>("late-rank-step-records") {};

    private final long maxStepSpreadMillis;
    private transient Counter lateRecords;

    RankStepsAsLoads(AnalyticsSettings settings) {
        this.maxStepSpreadMillis = settings.maxStepSpread().toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        lateRecords = getRuntimeContext().getMetricGroup().counter("lateRecords");
    }

    @Override
    public void processElement(InputRecord<RankStep> record, Context ctx, Collector<RankLoad> out) {
        RankLoad load = RankLoad.of(record);
        long watermark = ctx.timerService().currentWatermark();
        if (watermark >= load.time + maxStepSpreadMillis) {
            lateRecords.inc();
            ctx.output(LATE, StepOutcome.late(load.clusterId, AnalyticsSettings.OBSERVED, load.time, 1));
            ctx.output(
                    DEAD_LETTERS,
                    DeadLetters.of(
                            record,
                            RequestStepOrderFunction.lateReason(load.time, watermark, maxStepSpreadMillis),
                            System.currentTimeMillis()));
            return;
        }
        out.collect(load);
    }
}
