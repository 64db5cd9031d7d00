package io.dpbalance.jobs.analytics;

import io.dpbalance.engine.metrics.CostModel;
import io.dpbalance.engine.metrics.PowerProfile;
import io.dpbalance.engine.metrics.StepStats;
import io.dpbalance.engine.metrics.StepStatsCalculator;
import io.dpbalance.jobs.io.MetricRecords;
import io.dpbalance.schemas.StepMetrics;
import io.dpbalance.schemas.WindowMetrics;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Keyed by cluster: turns each closed step window into the step's {@link StepMetrics} with the engine's
 * {@link StepStatsCalculator} (no formula here), over the cluster's whole roster: ranks without a record idled the
 * whole step and count as load 0 and as missing rank-steps; and rolls the steps up into tumbling event-time
 * {@link WindowMetrics} (side output {@link #WINDOWS}; the formulas are the engine's, in {@link WindowAggregate}).
 *
 * <p>The roster is configured, or learned: the highest rank seen in this or an earlier step, plus one. Steps are
 * handled in step-window close order, (close time, step), whatever order the parallel step windows delivered them in,
 * so that a learned roster grows at the same step in every run, streaming or batch.
 *
 * <p>Step time: the measured {@code step_micros} when the logs carry it (the longest any rank reports), else the cost
 * model on the step's busiest rank's load entering the step (docs/design.md §3), which token events give exactly (context
 * tokens less the one generated); rank-steps carry only the load at the step's end, which then stands in for it. The
 * time idle fraction needs every reporting rank's measured {@code compute_micros}; missing ranks computed nothing.
 *
 * <p>Windows: a step belongs to the window holding its step start. A step is handled once the watermark passes its
 * step window's close, {@code maxStepSpread} after its start, so a window closes when the watermark passes its end
 * plus that delay. Steps and window closes are ordered by this operator's own timers: the first timer a watermark fires
 * for a cluster handles every step due at that watermark, adds each to its window, and only then emits the windows the
 * watermark closed. A step this operator holds can therefore never miss its window, whatever other subtasks or
 * channels are idle (when steps were rolled up by a separate operator, whose watermark could pass a window's close
 * while a step of it was still held here, the window could come out split in two records).
 *
 * <p>The second input carries late-record counts (and, once after a restore of the previous state layout, the windows
 * {@link CarriedWindowsOperator} hands over). A late count goes to the window of its time while that window is open,
 * else to the earliest window still open: a closed window is never changed.
 *
 * <p>With {@code partialSteps} (batch execution) the first input carries the partial steps of {@link StepLoadCombiner}
 * instead of closed step windows: the partials of a step add up here, and the step window closes when its step is due
 * ({@link StepPartials#close}), its repeated rank-steps going to {@link StepWindowFunction#DEAD_LETTERS}. Batch
 * execution hands this operator every partial of a cluster before the watermark at the end of the input, so no step is
 * due before all its partials are here; the sort and shuffle of a step-window stage are saved.
 */
final class StepMetricsFunction extends KeyedCoProcessFunction<String, StepLoads, StepOutcome, StepOutcome> {

    /** The closed windows' metrics. */
    static final OutputTag<WindowMetrics> WINDOWS =
            new OutputTag<>("window-metrics", new AvroTypeInfo<>(WindowMetrics.class));

    private final AnalyticsSettings settings;
    private final boolean partialSteps;
    private final long sizeMillis;
    private final long closeDelayMillis;

    private transient CostModel costModel;
    private transient PowerProfile power;
    private transient MapState<Long, StepLoads> closedSteps;
    private transient ValueState<Integer> learnedRanks;
    /** The cluster's open windows by start. */
    private transient MapState<Long, WindowAggregate> windows;
    /**
     * The watermark at which the cluster's windows were last closed: every window whose close time is at or before it
     * has been emitted (or never held anything). Kept as state so that a restored job never emits a window twice.
     */
    private transient ValueState<Long> closedUpTo;

    private transient Map<String, Double> currentIdleFraction;
    /**
     * Per cluster, the watermark up to which every closed step was handled. Not state: after a restore the first timer
     * handles the due steps again (the buffer holds only unhandled ones), which costs one pass and changes nothing.
     */
    private transient Map<String, Long> handledWatermark;
    /** Per cluster, the earliest event-time timer it has pending (not state: see {@link #processElement1}). */
    private transient Map<String, Long> pendingTimer;

    StepMetricsFunction(AnalyticsSettings settings) {
        this(settings, false);
    }

    /** @param partialSteps whether the first input is partial steps (batch execution), not closed step windows */
    StepMetricsFunction(AnalyticsSettings settings, boolean partialSteps) {
        this.settings = settings;
        this.partialSteps = partialSteps;
        this.sizeMillis = settings.window().toMillis();
        this.closeDelayMillis = settings.maxStepSpread().toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        costModel = settings.parsedCostModel();
        power = settings.parsedPowerProfile();
        closedSteps = getRuntimeContext()
                .getMapState(new MapStateDescriptor<>("closed-steps", Types.LONG, TypeInformation.of(StepLoads.class)));
        learnedRanks = getRuntimeContext().getState(new ValueStateDescriptor<>("learned-ranks", Types.INT));
        windows = getRuntimeContext().getMapState(CarriedWindowsOperator.windowsDescriptor());
        closedUpTo = getRuntimeContext().getState(new ValueStateDescriptor<>("windows-closed-up-to", Types.LONG));
        currentIdleFraction = new HashMap<>();
        handledWatermark = new HashMap<>();
        pendingTimer = new HashMap<>();
    }

    @Override
    public void processElement1(StepLoads loads, Context ctx, Collector<StepOutcome> out) throws Exception {
        long close;
        if (partialSteps) {
            StepLoads held = closedSteps.get(loads.step);
            closedSteps.put(loads.step, held == null ? loads : StepPartials.merge(held, loads));
            close = loads.stepStart + closeDelayMillis;
        } else {
            closedSteps.put(loads.step, loads);
            // The element carries its step window's close time.
            close = ctx.timestamp();
        }
        // Every step closed by the same watermark is here when it fires. One timer at the earliest close of the
        // buffered steps is enough, as its firing handles every step the watermark closed and sets the next one (a
        // restore forgets the field, and then only registers a timer too many).
        String cluster = ctx.getCurrentKey();
        Long pending = pendingTimer.get(cluster);
        if (pending == null || close < pending) {
            ctx.timerService().registerEventTimeTimer(close);
            pendingTimer.put(cluster, close);
        }
    }

    /** A count of late records, or a window carried over from the previous state layout. */
    @Override
    public void processElement2(StepOutcome outcome, Context ctx, Collector<StepOutcome> out) throws Exception {
        long closed = Math.max(ctx.timerService().currentWatermark(), orMin(closedUpTo.value()));
        long start = windowFor(outcome.time, closed);
        if (outcome.carried != null) {
            change(start, ctx.getCurrentKey(), ctx.timerService(), closed, window -> window.merge(outcome.carried));
        } else {
            change(
                    start,
                    ctx.getCurrentKey(),
                    ctx.timerService(),
                    closed,
                    window -> window.addLate(outcome.lateRecords));
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<StepOutcome> out) throws Exception {
        // Every step whose window close time the watermark has passed is due: the first timer a watermark fires for
        // this cluster (a step's or a window's) handles them all, in close order, and then closes every window the
        // watermark passed; the later timers of the same watermark find their steps handled and windows closed and do
        // nothing. One pass over the buffer per watermark, not one per step: a bounded input (batch mode, whose single
        // watermark closes every step of the cluster at once) would otherwise scan the whole buffer at every step's
        // timer.
        long watermark = Math.max(ctx.timerService().currentWatermark(), timestamp);
        String cluster = ctx.getCurrentKey();
        Long handledUpTo = handledWatermark.get(cluster);
        if (handledUpTo != null && handledUpTo >= watermark) {
            return;
        }
        handledWatermark.put(cluster, watermark);
        long spread = settings.maxStepSpread().toMillis();
        List<StepLoads> due = new ArrayList<>();
        long nextClose = Long.MAX_VALUE;
        for (StepLoads loads : closedSteps.values()) {
            if (loads.stepStart + spread <= watermark) {
                due.add(loads);
            } else {
                nextClose = Math.min(nextClose, loads.stepStart + spread);
            }
        }
        if (nextClose != Long.MAX_VALUE) {
            ctx.timerService().registerEventTimeTimer(nextClose);
            pendingTimer.put(cluster, nextClose);
        } else {
            pendingTimer.remove(cluster);
        }
        if (partialSteps) {
            due.replaceAll(partial ->
                    StepPartials.close(partial, letter -> ctx.output(StepWindowFunction.DEAD_LETTERS, letter)));
        }
        due.sort(Comparator.<StepLoads>comparingLong(loads -> loads.stepStart).thenComparingLong(loads -> loads.step));
        // Windows closed at an earlier watermark are never changed: a step that reached this operator only after the
        // watermark had passed its window's close (an idle upstream channel) counts in the earliest open window.
        long closed = orMin(closedUpTo.value());
        for (StepLoads loads : due) {
            // Handled steps leave the buffer, which otherwise would keep every step of the cluster.
            closedSteps.remove(loads.step);
            StepOutcome step = metricsOf(loads);
            change(
                    windowFor(step.time, closed),
                    cluster,
                    ctx.timerService(),
                    watermark,
                    window -> window.add(step.metrics, step.missingRankSteps));
            out.collect(step);
        }
        closeWindows(watermark, ctx);
    }

    /** Emits and forgets every window of the current cluster whose close time {@code watermark} has passed. */
    private void closeWindows(long watermark, OnTimerContext ctx) throws Exception {
        List<Long> closing = new ArrayList<>();
        for (Long start : windows.keys()) {
            if (closeTime(start) <= watermark) {
                closing.add(start);
            }
        }
        closing.sort(Comparator.naturalOrder());
        for (Long start : closing) {
            ctx.output(WINDOWS, windows.get(start).toRecord(start, start + sizeMillis));
            // The window is emitted and closed for good: its aggregate would otherwise stay in state forever.
            windows.remove(start);
        }
        if (watermark > orMin(closedUpTo.value())) {
            closedUpTo.update(watermark);
        }
    }

    /**
     * The window an outcome of event time {@code time} goes to: its own while open, else the earliest one still open
     * after the windows closed at watermark {@code closed}.
     */
    private long windowFor(long time, long closed) {
        long start = windowStart(time);
        if (closeTime(start) <= closed) {
            start = windowStart(closed - closeDelayMillis + 1);
        }
        return start;
    }

    /**
     * Applies {@code change} to the current cluster's window at {@code start}, opening it if it holds nothing yet,
     * with a timer at its close unless {@code watermark} has passed that already (then the pass under way closes it;
     * batch execution, whose one pass at the end of input opens and closes every window, warns of a timer set then).
     * The changed aggregate is written back: a serializing state backend hands out copies.
     */
    private void change(
            long start, String clusterId, TimerService timers, long watermark, Consumer<WindowAggregate> change)
            throws Exception {
        WindowAggregate window = windows.get(start);
        if (window == null) {
            window = new WindowAggregate(clusterId, AnalyticsSettings.OBSERVED);
            if (closeTime(start) > watermark) {
                timers.registerEventTimeTimer(closeTime(start));
            }
        }
        change.accept(window);
        windows.put(start, window);
    }

    private long windowStart(long time) {
        return Math.floorDiv(time, sizeMillis) * sizeMillis;
    }

    private long closeTime(long windowStart) {
        return windowStart + sizeMillis - 1 + closeDelayMillis;
    }

    private static long orMin(Long value) {
        return value == null ? Long.MIN_VALUE : value;
    }

    private StepOutcome metricsOf(StepLoads step) throws Exception {
        int ranks = rosterSize(step);
        long[] loads = new long[ranks];
        double[] computeSeconds = new double[ranks];
        boolean computeMeasured = true;
        long measuredStepMicros = -1;
        long running = 0;
        // A sample stands for as many steps as the fewest any of its ranks' records does: ranks logging at different
        // intervals are aligned only on the steps they all sampled.
        long sampledSteps = Long.MAX_VALUE;
        for (RankLoad rank : step.ranks) {
            sampledSteps = Math.min(sampledSteps, rank.stepsRepresented());
            loads[rank.rank] = rank.kvTokens;
            running += rank.running;
            if (rank.computeMicros == null) {
                computeMeasured = false;
            } else {
                computeSeconds[rank.rank] = rank.computeMicros / 1e6;
            }
            if (rank.stepMicros != null) {
                measuredStepMicros = Math.max(measuredStepMicros, rank.stepMicros);
            }
        }
        double stepSeconds = measuredStepMicros >= 0
                ? measuredStepMicros / 1e6
                : costModel.stepSeconds(costLoad(step, loads, ranks));
        StepStats m = StepStatsCalculator.compute(
                step.step,
                step.stepStart / 1000.0,
                loads,
                ranks,
                running,
                stepSeconds,
                computeMeasured ? computeSeconds : null,
                power);
        currentIdleFraction(step.clusterId, m.idleFraction());
        StepMetrics record = MetricRecords.stepMetrics(
                step.clusterId, AnalyticsSettings.OBSERVED, m, step.stepStart, running, sampledSteps);
        return StepOutcome.step(record, ranks - step.ranks.length);
    }

    /**
     * The load the cost model times the step by (docs/design.md §3: the busiest rank's load entering the step): known exactly when
     * every reporting rank's share was folded from token events; a RankStep carries only the load at the step's end,
     * which then stands in for it.
     */
    private static long costLoad(StepLoads step, long[] loads, int ranks) {
        long entering = 0;
        for (RankLoad rank : step.ranks) {
            if (rank.enteringTokens == null) {
                return StepStatsCalculator.maxLoad(loads, ranks);
            }
            entering = Math.max(entering, rank.enteringTokens);
        }
        return entering;
    }

    private int rosterSize(StepLoads step) throws Exception {
        Integer configured = settings.roster().get(step.clusterId);
        if (configured != null) {
            return configured;
        }
        int highest = step.ranks[step.ranks.length - 1].rank;
        Integer learned = learnedRanks.value();
        if (learned == null || highest + 1 > learned) {
            // Kept for the cluster's lifetime: it is the cluster's roster, one number per cluster.
            learned = highest + 1;
            learnedRanks.update(learned);
        }
        return learned;
    }

    private void currentIdleFraction(String clusterId, double idleFraction) {
        if (currentIdleFraction.put(clusterId, idleFraction) == null) {
            getRuntimeContext()
                    .getMetricGroup()
                    .addGroup("cluster", clusterId)
                    .gauge("currentIdleFraction", () -> currentIdleFraction.get(clusterId));
        }
    }
}
