package io.dpbalance.jobs.analytics;

import io.dpbalance.schemas.WindowMetrics;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by (cluster, policy): rolls step outcomes up into tumbling event-time {@link WindowMetrics}. A step belongs
 * to the window holding its step start. Step outcomes reach this function only once their step window has closed,
 * {@code closeDelay} after their time, so a window closes when the watermark passes its end plus that delay.
 *
 * <p>Late records are counted in the window of their own time while it is open, else in the earliest window still
 * open: a closed window is never changed.
 */
public final class WindowMetricsFunction extends KeyedProcessFunction<String, StepOutcome, WindowMetrics> {

    private final long sizeMillis;
    private final long closeDelayMillis;

    private transient MapState<Long, WindowAggregate> windows;

    /**
     * @param size the windows' size
     * @param closeDelay how long after a step's start its outcome can still arrive (the upstream step window's wait)
     */
    public WindowMetricsFunction(Duration size, Duration closeDelay) {
        this.sizeMillis = size.toMillis();
        this.closeDelayMillis = closeDelay.toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        windows = getRuntimeContext()
                .getMapState(
                        new MapStateDescriptor<>("windows", Types.LONG, TypeInformation.of(WindowAggregate.class)));
    }

    @Override
    public void processElement(StepOutcome outcome, Context ctx, Collector<WindowMetrics> out) throws Exception {
        long watermark = ctx.timerService().currentWatermark();
        long start = windowStart(outcome.time);
        if (closeTime(start) <= watermark) {
            start = windowStart(watermark - closeDelayMillis + 1);
        }
        WindowAggregate aggregate = windows.get(start);
        if (aggregate == null) {
            aggregate = new WindowAggregate(outcome.clusterId, outcome.policy);
            ctx.timerService().registerEventTimeTimer(closeTime(start));
        }
        if (outcome.metrics != null) {
            aggregate.add(outcome.metrics, outcome.missingRankSteps);
        }
        aggregate.addLate(outcome.lateRecords);
        windows.put(start, aggregate);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<WindowMetrics> out) throws Exception {
        long start = timestamp + 1 - closeDelayMillis - sizeMillis;
        WindowAggregate aggregate = windows.get(start);
        out.collect(aggregate.toRecord(start, start + sizeMillis));
        // The window is emitted and closed for good: its aggregate would otherwise stay in state forever.
        windows.remove(start);
    }

    private long windowStart(long time) {
        return Math.floorDiv(time, sizeMillis) * sizeMillis;
    }

    private long closeTime(long windowStart) {
        return windowStart + sizeMillis - 1 + closeDelayMillis;
    }
}
