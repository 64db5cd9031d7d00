package io.dpbalance.jobs.shadow;

import io.dpbalance.engine.metrics.StepStats;
import io.dpbalance.engine.model.Request;
import io.dpbalance.engine.policy.PolicyFactory;
import io.dpbalance.engine.policy.PolicySpec;
import io.dpbalance.engine.sim.ClusterConfig;
import io.dpbalance.engine.sim.PendingArrival;
import io.dpbalance.engine.sim.ShadowRun;
import io.dpbalance.engine.sim.ShadowState;
import io.dpbalance.jobs.analytics.WindowAggregate;
import io.dpbalance.jobs.common.Keys;
import io.dpbalance.jobs.io.MetricRecords;
import io.dpbalance.schemas.Assignment;
import io.dpbalance.schemas.BoundedDeadLetter;
import io.dpbalance.schemas.DeadLetter;
import io.dpbalance.schemas.StepMetrics;
import io.dpbalance.schemas.WindowMetrics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keyed by (cluster, policy): the shadow of one cluster under one policy, the engine's {@link ShadowRun} (docs/design.md §3
 * arrival mode, docs/design.md §7-8) in keyed state. Arrivals and completions are offered as they come; an event-time timer
 * advances the run whenever the watermark moves, up to the watermark less the lag, so the shadow never decides on an
 * arrival it has not seen. Emits the run's {@link StepMetrics}, its placements as {@link Assignment}s and, on the
 * shadow clock, its tumbling {@link WindowMetrics}: a window closes once the shadow clock passes its end.
 *
 * <p>State: the run's {@link ShadowState} (written after every advance), one {@link PendingArrival} per request heard
 * of but not let in, and the open windows: all Flink POJOs, no Kryo. The live run is kept between calls (restoring it
 * for every record would rebuild the policy each time) and rebuilt from state after a restore.
 */
public final class ShadowSchedulerFunction extends KeyedProcessFunction<String, ShadowInput, StepMetrics> {

    public static final OutputTag<Assignment> ASSIGNMENTS =
            new OutputTag<>("assignments", new AvroTypeInfo<>(Assignment.class));
    public static final OutputTag<WindowMetrics> WINDOWS =
            new OutputTag<>("window-metrics", new AvroTypeInfo<>(WindowMetrics.class));
    /** Requests that came late for a shadow, as dead letters (once per policy). */
    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("late-request-dead-letters", new AvroTypeInfo<>(DeadLetter.class));
    /** The reason code of a late record's dead letter. */
    public static final String LATE_RECORD = "LATE_RECORD";

    private static final Logger LOG = LoggerFactory.getLogger(ShadowSchedulerFunction.class);

    private final ShadowSettings settings;

    private transient ValueState<ShadowState> runState;
    private transient MapState<String, PendingArrival> pendingState;
    private transient MapState<Long, WindowAggregate> windows;
    private transient Map<String, Live> live;

    public ShadowSchedulerFunction(ShadowSettings settings) {
        this.settings = settings;
    }

    /** The state descriptors, public so a test can check their serializers need no Kryo. */
    public static ValueStateDescriptor<ShadowState> runStateDescriptor() {
        return new ValueStateDescriptor<>("shadow-run", TypeInformation.of(ShadowState.class));
    }

    public static MapStateDescriptor<String, PendingArrival> pendingDescriptor() {
        return new MapStateDescriptor<>("pending-requests", Types.STRING, TypeInformation.of(PendingArrival.class));
    }

    public static MapStateDescriptor<Long, WindowAggregate> windowsDescriptor() {
        return new MapStateDescriptor<>("windows", Types.LONG, TypeInformation.of(WindowAggregate.class));
    }

    @Override
    public void open(OpenContext openContext) {
        runState = getRuntimeContext().getState(runStateDescriptor());
        pendingState = getRuntimeContext().getMapState(pendingDescriptor());
        windows = getRuntimeContext().getMapState(windowsDescriptor());
        live = new HashMap<>();
    }

    @Override
    public void processElement(ShadowInput in, Context ctx, Collector<StepMetrics> out) throws Exception {
        Live l = live(ctx.getCurrentKey());
        l.bind(ctx, out);
        ShadowRun.Offer offer = l.run.offer(in.requestId, in.arrivalMillis, in.promptTokens, in.outputTokens);
        if (offer == ShadowRun.Offer.LATE) {
            l.lateRecords.inc();
            // Counted in the window's late_records, and kept (once per policy, as each judges it): never vanishes.
            ctx.output(
                    DEAD_LETTERS,
                    BoundedDeadLetter.of(
                            in.clusterId,
                            in.topic == null ? "" : in.topic,
                            in.partition,
                            in.offset,
                            LATE_RECORD + ": request '" + in.requestId + "' arrived at "
                                    + java.time.Instant.ofEpochMilli(in.arrivalMillis) + ", behind shadow " + in.policy
                                    + "'s clock (watermark "
                                    + java.time.Instant.ofEpochMilli(
                                            ctx.timerService().currentWatermark())
                                    + ")",
                            in.payload == null ? new byte[0] : in.payload,
                            java.time.Instant.now()));
            countLate(l, 1);
            l.flushWindow();
            l.store();
        } else if (!l.stored) {
            // The pending requests are restored only into a stored run: before the first advance there is none yet, and
            // a
            // snapshot taken then would restore a fresh run that ignores the requests already heard.
            l.store();
        }
        long watermark = ctx.timerService().currentWatermark();
        if (watermark != Long.MAX_VALUE) {
            // At the next watermark; never before 1970, so that what the timer emits carries a time Kafka accepts.
            ctx.timerService().registerEventTimeTimer(Math.max(watermark + 1, 0));
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<StepMetrics> out) throws Exception {
        Live l = live(ctx.getCurrentKey());
        l.bind(ctx, out);
        long watermark = Math.max(timestamp, ctx.timerService().currentWatermark());
        boolean end = watermark == Long.MAX_VALUE;
        long completeUntil = end ? Long.MAX_VALUE : watermark - settings.lag().toMillis();
        l.run.advance(completeUntil);
        l.watermark = watermark;
        l.flushWindow();
        closeWindows(end ? Long.MAX_VALUE : l.run.clockMillis(), l);
        l.store();
        if (!end && (!l.run.isIdle() || !windows.isEmpty())) {
            ctx.timerService().registerEventTimeTimer(watermark + 1);
        }
    }

    private void closeWindows(long clockMillis, Live l) throws Exception {
        if (clockMillis == ShadowRun.NO_ORIGIN) {
            return;
        }
        long size = settings.window().toMillis();
        List<Long> closed = new ArrayList<>();
        for (Long start : windows.keys()) {
            if (clockMillis == Long.MAX_VALUE || start + size <= clockMillis) {
                closed.add(start);
            }
        }
        closed.sort(null);
        for (Long start : closed) {
            l.ctx.output(WINDOWS, windows.get(start).toRecord(start, start + size));
            windows.remove(start);
        }
    }

    private void countLate(Live l, long records) throws Exception {
        long clock = l.run.clockMillis();
        l.window(windowStart(clock == ShadowRun.NO_ORIGIN ? 0 : clock)).addLate(records);
    }

    private long windowStart(long time) {
        long size = settings.window().toMillis();
        return Math.floorDiv(time, size) * size;
    }

    private Live live(String key) throws Exception {
        Live l = live.get(key);
        if (l == null) {
            l = new Live(key);
            live.put(key, l);
        }
        return l;
    }

    /** One key's live run, its listener (which turns the run's events into output and state) and its metrics. */
    private final class Live implements ShadowRun.Listener {

        final String clusterId;
        final String policy;
        final ShadowRun run;
        /** Whether keyed state holds this run (written at its first record, then after every advance). */
        private boolean stored;

        final Counter steps;
        final Counter decisions;
        final Counter placements;
        final Counter lateRecords;
        final Counter abandoned;
        final Histogram decisionMicros;
        double idleFraction = Double.NaN;
        long watermark = Long.MIN_VALUE;

        Context ctx;
        Collector<StepMetrics> out;
        /**
         * The window the last steps went to, taken from state and written back once per call ({@link #flushWindow}), not
         * once per step. Never kept across calls: a snapshot may be serializing the object state holds.
         */
        long windowStart;

        WindowAggregate window;

        Live(String key) throws Exception {
            this.clusterId = Keys.clusterOf(key);
            this.policy = Keys.policyOf(key);
            ClusterConfig config = settings.cluster(clusterId).config();
            PolicyFactory.Instance instance =
                    PolicyFactory.create(PolicySpec.parse(policy), settings.lookahead(), settings.seed());
            long maxHold = settings.maxHold().toMillis();
            ShadowState state = runState.value();
            stored = state != null;
            if (state == null) {
                run = new ShadowRun(config, instance.policy(), instance.lookahead(), maxHold, this);
            } else {
                List<PendingArrival> pending = new ArrayList<>();
                pendingState.values().forEach(pending::add);
                run = ShadowRun.restore(state, pending, config, instance.policy(), instance.lookahead(), maxHold, this);
            }
            MetricGroup group = getRuntimeContext()
                    .getMetricGroup()
                    .addGroup("cluster", clusterId)
                    .addGroup("policy", policy);
            steps = group.counter("stepsSimulated");
            decisions = group.counter("decisions");
            placements = group.counter("placements");
            lateRecords = group.counter("lateRecords");
            abandoned = group.counter("abandonedRequests");
            decisionMicros = group.histogram("decisionLatencyMicros", new DescriptiveStatisticsHistogram(10_000));
            group.gauge("poolSize", () -> run.simulation().poolSize());
            group.gauge("pendingRequests", run::pendingCount);
            group.gauge("runningRequests", () -> run.simulation().totalRunning());
            group.gauge("currentIdleFraction", () -> idleFraction);
            group.gauge(
                    "shadowLagMillis",
                    () -> run.clockMillis() == ShadowRun.NO_ORIGIN || watermark == Long.MIN_VALUE
                            ? 0L
                            : watermark - run.clockMillis());
        }

        void bind(Context context, Collector<StepMetrics> collector) {
            this.ctx = context;
            this.out = collector;
        }

        WindowAggregate window(long start) throws Exception {
            if (window != null && windowStart == start) {
                return window;
            }
            flushWindow();
            WindowAggregate aggregate = windows.get(start);
            window = aggregate != null ? aggregate : new WindowAggregate(clusterId, policy);
            windowStart = start;
            return window;
        }

        /** Writes the run to keyed state (its pending requests are in state as they come and go). */
        void store() throws Exception {
            runState.update(run.snapshot());
            stored = true;
        }

        void flushWindow() throws Exception {
            if (window != null) {
                windows.put(windowStart, window);
                window = null;
            }
        }

        @Override
        public void onPending(PendingArrival request) {
            try {
                pendingState.put(request.requestId, request);
            } catch (Exception e) {
                throw new IllegalStateException("cannot store pending request " + request.requestId, e);
            }
        }

        @Override
        public void onReleased(PendingArrival request) {
            try {
                pendingState.remove(request.requestId);
            } catch (Exception e) {
                throw new IllegalStateException("cannot remove pending request " + request.requestId, e);
            }
        }

        @Override
        public void onAbandoned(PendingArrival request, long completeUntilMillis) {
            abandoned.inc();
            LOG.warn(
                    "shadow {}/{}: no output length for request {} (arrived {}) by {}: left out of the shadow "
                            + "(--max-hold {})",
                    clusterId,
                    policy,
                    request.requestId,
                    request.arrivalMillis,
                    completeUntilMillis,
                    settings.maxHold());
            try {
                countLate(this, 1);
            } catch (Exception e) {
                throw new IllegalStateException("cannot count abandoned request " + request.requestId, e);
            }
        }

        @Override
        public void onPlacement(Request request, int rank, long afterStep, double clock, long waitedSteps) {
            placements.inc();
            ctx.output(
                    ASSIGNMENTS,
                    Assignment.newBuilder()
                            .setClusterId(clusterId)
                            .setPolicy(policy)
                            .setRequestId(request.id())
                            .setRank(rank)
                            .setStep(afterStep)
                            .setQueueWaitMillis(Math.round((clock - request.arrival()) * 1000.0))
                            .build());
        }

        @Override
        public void onStep(StepStats metrics) {
            steps.inc();
            idleFraction = metrics.idleFraction();
            StepMetrics record = MetricRecords.stepMetrics(
                    clusterId, policy, metrics, run.epochMillis(metrics.stepStart()), metrics.tokens(), 1);
            out.collect(record);
            try {
                window(windowStart(record.getStepStart().toEpochMilli())).add(record, 0);
            } catch (Exception e) {
                throw new IllegalStateException("cannot update the window of step " + metrics.step(), e);
            }
        }

        @Override
        public void onDecision(long nanos, int placed) {
            decisions.inc();
            decisionMicros.update(nanos / 1_000);
        }
    }
}
