package io.dpbalance.jobs.analytics;

import io.dpbalance.schemas.BoundedDeadLetter;
import io.dpbalance.schemas.DeadLetter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.RandomAccess;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Keyed by (cluster, request): rejects a token whose step does not follow the request's previous token in event time
 * ({@code STEP_BACKWARDS}, {@code STEP_REPEATED}) and passes the others on, in event-time order. A request's final
 * token is remembered too, for the idle timeout like any other, so a duplicated final token is a dead letter
 * ({@code STEP_REPEATED}), not counted twice.
 *
 * <p>The check is made in event-time order, not arrival order, so that tokens that arrive out of order within the
 * bound are not mistaken for a step going backwards: tokens wait in state until the watermark passes their time, then
 * go through in (time, step) order. A token that arrives after its step window has closed (the watermark passed its
 * time plus the max step spread) is counted on {@link #LATE} instead, and goes to the dead letters with reason
 * {@link #LATE_RECORD}.
 *
 * <p>The check is defined as if every token had a timer at its own time, firing in time order, each followed by the
 * idle check at its time; a request that went quiet ({@code --request-idle-timeout}) is forgotten by an idle-check
 * timer at its last token's time plus the timeout, rounded up to the second. For speed a request has one release timer
 * per watermark advance instead: when it fires, every token the watermark has passed goes through in (time, step)
 * order, with the idle checks those timers would have made between them. Passed tokens come out with the timestamp of
 * the timer that released them, not their own.
 */
final class RequestStepOrderFunction extends KeyedProcessFunction<String, RequestToken, RequestToken> {

    static final String STEP_BACKWARDS = "STEP_BACKWARDS";
    static final String STEP_REPEATED = "STEP_REPEATED";
    /** A record behind the watermark by more than the bound: counted late, and kept as a dead letter. */
    public static final String LATE_RECORD = "LATE_RECORD";

    static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("request-dead-letters") {};
    static final OutputTag<StepOutcome> LATE = new OutputTag<>("late-tokens") {};

    private static final Comparator<RequestToken> EVENT_TIME_ORDER =
            Comparator.comparingLong(RequestToken::time).thenComparingLong(RequestToken::step);

    private final long maxStepSpreadMillis;
    private final long idleTimeoutMillis;

    private transient ValueState<RequestProgress> progress;
    private transient ListState<RequestToken> waiting;
    private transient Counter lateRecords;
    /** The latest time of a token this subtask has held (an upper bound of those still waiting). */
    private transient long latestWaiting;

    RequestStepOrderFunction(AnalyticsSettings settings) {
        this.maxStepSpreadMillis = settings.maxStepSpread().toMillis();
        this.idleTimeoutMillis = settings.requestIdleTimeout().toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        progress = getRuntimeContext()
                .getState(new ValueStateDescriptor<>("request-progress", TypeInformation.of(RequestProgress.class)));
        waiting = getRuntimeContext().getListState(waitingDescriptor());
        lateRecords = getRuntimeContext().getMetricGroup().counter("lateRecords");
        latestWaiting = Long.MIN_VALUE;
    }

    /** The state of the tokens that wait for the watermark, per request. */
    static ListStateDescriptor<RequestToken> waitingDescriptor() {
        return new ListStateDescriptor<>("waiting-tokens", RequestToken.TYPE);
    }

    /** Notes that a token of this time waits (restored from state, or just arrived). */
    void waited(long time) {
        latestWaiting = Math.max(latestWaiting, time);
    }

    /** The latest time of a token this subtask has held: no token waits later ({@link RequestStepOrderOperator}). */
    long latestWaiting() {
        return latestWaiting;
    }

    @Override
    public void processElement(RequestToken token, Context ctx, Collector<RequestToken> out) throws Exception {
        if (ctx.timerService().currentWatermark() >= token.time() + maxStepSpreadMillis) {
            lateRecords.inc();
            ctx.output(LATE, StepOutcome.late(token.clusterId(), AnalyticsSettings.OBSERVED, token.time(), 1));
            // Counted in its window's late_records, and kept: a late record never vanishes.
            ctx.output(
                    DEAD_LETTERS,
                    deadLetter(
                            token,
                            lateReason(token.time(), ctx.timerService().currentWatermark(), maxStepSpreadMillis),
                            System.currentTimeMillis()));
            return;
        }
        RequestProgress request = progress.value();
        if (request == null) {
            request = RequestProgress.of(token);
        }
        if (token.time() < request.releaseAt) {
            ctx.timerService().registerEventTimeTimer(token.time());
            request.releaseAt = token.time();
        }
        request.waits(token.time());
        progress.update(request);
        waiting.add(request.waiting(token));
        waited(token.time());
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<RequestToken> out) throws Exception {
        RequestProgress request = progress.value();
        if (request == null) {
            // An idle-check timer of a request already forgotten, with nothing waiting.
            return;
        }
        if (timestamp == request.releaseAt) {
            request.releaseAt = RequestProgress.NO_TIMER;
        }
        long watermark = ctx.timerService().currentWatermark();
        List<RequestToken> due;
        List<RequestToken> later;
        boolean inTimeOrder = request.waitingInTimeOrder;
        if (inTimeOrder) {
            // The tokens the watermark passed come first: the others need not be looked at, nor copied. The ones that
            // stay are a view of the list state returned (the heap backend's own list, which update() below replaces by
            // a copy and never changes): copying them here too cost a fifth of this operator's time, every token being
            // copied at each watermark advance while it waits (docs/measurements.md, "Job throughput").
            List<RequestToken> all = asList(waiting.get());
            int passedByWatermark = 0;
            while (passedByWatermark < all.size() && all.get(passedByWatermark).time() <= watermark) {
                passedByWatermark++;
            }
            due = new ArrayList<>(all.subList(0, passedByWatermark));
            later = all.subList(passedByWatermark, all.size());
        } else {
            List<RequestToken> dueNow = new ArrayList<>();
            List<RequestToken> laterNow = new ArrayList<>(request.waitingTokens);
            waiting.get().forEach(token -> (token.time() <= watermark ? dueNow : laterNow).add(token));
            laterNow.sort(EVENT_TIME_ORDER);
            due = dueNow;
            later = laterNow;
        }
        request.waitingNow(later);
        if (!due.isEmpty() || !inTimeOrder) {
            due.sort(EVENT_TIME_ORDER);
            int i = 0;
            while (i < due.size()) {
                long time = due.get(i).time();
                if (request.passed && forgetCheckTime(request) < time) {
                    // The idle check of the last token passed comes before this time: the request went quiet in
                    // between.
                    request.forget();
                }
                for (; i < due.size() && due.get(i).time() == time; i++) {
                    pass(request, request.released(due.get(i)), ctx, out);
                }
                forgetIfIdle(request, time);
            }
            // The passed and rejected tokens leave the wait: without this the list would keep every token of the
            // request.
            waiting.update(later);
        }
        long next = later.isEmpty() ? RequestProgress.NO_TIMER : later.get(0).time();
        if (next < request.releaseAt) {
            ctx.timerService().registerEventTimeTimer(next);
            request.releaseAt = next;
        }
        forgetIfIdle(request, timestamp);
        if (!request.passed && next == RequestProgress.NO_TIMER) {
            // Nothing waits and nothing is remembered (the request finished or went quiet): its state would stay
            // forever.
            progress.clear();
            waiting.clear();
        } else {
            progress.update(request);
        }
    }

    /** The tokens of a list state, as a random-access list (the one returned when it is one: never changed here). */
    private static List<RequestToken> asList(Iterable<RequestToken> tokens) {
        if (tokens instanceof List<RequestToken> list && list instanceof RandomAccess) {
            return list;
        }
        List<RequestToken> copy = new ArrayList<>();
        tokens.forEach(copy::add);
        return copy;
    }

    /** The reason of a late record's dead letter. */
    static String lateReason(long time, long watermark, long maxStepSpreadMillis) {
        return LATE_RECORD + ": record time " + java.time.Instant.ofEpochMilli(time) + " plus the max step spread "
                + maxStepSpreadMillis + " ms is not after the watermark " + java.time.Instant.ofEpochMilli(watermark);
    }

    private void pass(RequestProgress request, RequestToken token, OnTimerContext ctx, Collector<RequestToken> out) {
        long previous = request.lastStep;
        if (request.passed && token.step() <= previous) {
            String code = token.step() < previous ? STEP_BACKWARDS : STEP_REPEATED;
            ctx.output(
                    DEAD_LETTERS,
                    deadLetter(
                            token,
                            code + ": request '" + token.requestId() + "' at step " + token.step() + " after step "
                                    + previous,
                            System.currentTimeMillis()));
            return;
        }
        out.collect(token);
        // A final token is remembered like any other: a repeat of it, even one stamped later, is rejected until the
        // request has been quiet for the idle timeout. It costs one small state entry per request finished within it.
        request.passed = true;
        request.lastStep = token.step();
        request.lastTime = token.time();
        long check = forgetCheckTime(request);
        if (check != request.idleCheckAt) {
            ctx.timerService().registerEventTimeTimer(check);
            request.idleCheckAt = check;
        }
    }

    /**
     * The idle check at {@code time}: a request quiet since its last token (final or not) for the timeout is
     * forgotten.
     */
    private void forgetIfIdle(RequestProgress request, long time) {
        if (request.passed && time >= request.lastTime + idleTimeoutMillis) {
            // The request finished, or went quiet without a final token (a truncated log): forget it, or its state
            // stays
            // forever.
            request.forget();
        }
    }

    /**
     * When the request's last step is forgotten, rounded up to the second, so that a request's checks share timers
     * instead of adding one per token.
     */
    private long forgetCheckTime(RequestProgress request) {
        long due = request.lastTime + idleTimeoutMillis;
        return due + Math.floorMod(-due, 1000L);
    }

    /** A token rejected by a check after the source's: a request's step out of order. */
    private static DeadLetter deadLetter(RequestToken token, String reason, long seenAt) {
        return BoundedDeadLetter.of(
                token.clusterId(),
                token.topic(),
                token.partition(),
                token.offset(),
                reason,
                token.payload(),
                Instant.ofEpochMilli(seenAt));
    }
}
