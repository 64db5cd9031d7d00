package io.dpbalance.engine.sim;

import io.dpbalance.engine.lookahead.Lookahead;
import io.dpbalance.engine.model.Request;
import io.dpbalance.engine.policy.Policy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Arrival mode (docs/design.md §3) over a live request stream: one cluster under one policy, as the shadow-scheduling job runs
 * it (docs/design.md §7-8). The stream says two things about a request, possibly in two records and in any order: that it
 * arrived (time, prompt), and how many tokens it generated (known once production finished it, or at once when a
 * trace is replayed). The caller also says, with {@link #advance}, up to which time the stream is complete.
 *
 * <p>The shadow then runs exactly the step loop the simulator runs over the same requests, with the same result:
 * <ul>
 *   <li>Requests are let in in (arrival time, request id) order, numbered in that order ({@link Request#sequence}).
 *       Clock 0 is the first request's arrival; a request arrives at {@code (arrival - origin) / 1000} seconds.</li>
 *   <li>An iteration at clock {@code c} runs only when the stream is complete up to {@code c} and every request
 *       arriving by {@code c} has its output length: a request is never placed, and never ended, before its true
 *       length is known. A request still without one holds the shadow back (it <em>waits</em>) until the length
 *       comes, or until the stream is complete {@code maxHold} past its arrival: then it is <em>abandoned</em>,
 *       reported to the listener and left out, so that one lost completion cannot stop the shadow for good.</li>
 *   <li>A record ordered before the last request let in comes too late to be used (the shadow has moved past it):
 *       it is counted ({@link #late()}) and left out. Repeats of a request the shadow already has are merged.</li>
 * </ul>
 */
public final class ShadowRun {

    /** {@link ShadowState#originMillis} before the first request is let in. */
    public static final long NO_ORIGIN = Long.MIN_VALUE;

    /** What became of an offered record. */
    public enum Offer {
        /** A request the shadow had not heard of: pending until it arrives on the shadow clock. */
        NEW,
        /** Said more about (its output length), or repeated, a request the shadow already has. */
        MERGED,
        /** Ordered before the last request let in: counted, not used. */
        LATE
    }

    /** Observes the run: the simulation's events and what happens to pending requests. */
    public interface Listener extends SimulationListener {

        /** A pending entry was created, or replaced by one with the output length: what a keeper must store. */
        default void onPending(PendingArrival request) {}

        /** The request left the pending set: let in (it will join the pool on the shadow clock) or abandoned. */
        default void onReleased(PendingArrival request) {}

        /** The request's output length did not come within max-hold of its arrival: it is left out of the shadow. */
        default void onAbandoned(PendingArrival request, long completeUntilMillis) {}
    }

    private static final Comparator<PendingArrival> ORDER =
            Comparator.comparingLong((PendingArrival p) -> p.arrivalMillis).thenComparing(p -> p.requestId);

    private final ArrivalRun run;
    private final ClusterSimulation sim;
    private final long maxHoldMillis;
    private final Listener listener;

    private final TreeSet<PendingArrival> pending = new TreeSet<>(ORDER);
    private final Map<String, PendingArrival> pendingById = new HashMap<>();
    /** Requests let in and not finished: queued, pooled or running. */
    private final Set<String> inFlight = new HashSet<>();

    private long originMillis = NO_ORIGIN;
    private long nextSequence;
    private long lastReleasedMillis = Long.MIN_VALUE;
    private String lastReleasedId = "";
    private long abandoned;
    private long late;
    private PendingArrival waitingFor;

    /**
     * @param maxHoldMillis how long past its arrival the stream may be complete with a request's output length still
     *                      unknown before the request is abandoned
     */
    public ShadowRun(ClusterConfig config, Policy policy, Lookahead lookahead, long maxHoldMillis, Listener listener) {
        this(null, config, policy, lookahead, maxHoldMillis, listener);
    }

    private ShadowRun(
            ClusterState restored,
            ClusterConfig config,
            Policy policy,
            Lookahead lookahead,
            long maxHoldMillis,
            Listener listener) {
        if (maxHoldMillis < 0) {
            throw new IllegalArgumentException("max hold must be >= 0 ms, got " + maxHoldMillis);
        }
        this.listener = listener;
        this.maxHoldMillis = maxHoldMillis;
        SimulationListener tracking = SimulationListener.all(
                new SimulationListener() {
                    @Override
                    public void onFinish(Request request, int rank, double placedAt, double finishedAt) {
                        inFlight.remove(request.id());
                    }
                },
                listener);
        this.sim = restored == null
                ? new ClusterSimulation(config, policy, lookahead, tracking)
                : ClusterSimulation.restore(restored, config, policy, lookahead, tracking);
        this.run = new ArrivalRun(sim);
    }

    /**
     * Continues a snapshotted run with fresh policy and lookahead instances of the snapshotted kind.
     *
     * @param pending the pending requests at the time of the snapshot, any order
     */
    public static ShadowRun restore(
            ShadowState state,
            Collection<PendingArrival> pending,
            ClusterConfig config,
            Policy policy,
            Lookahead lookahead,
            long maxHoldMillis,
            Listener listener) {
        ShadowRun shadow = new ShadowRun(state.cluster, config, policy, lookahead, maxHoldMillis, listener);
        shadow.originMillis = state.originMillis;
        shadow.nextSequence = state.nextSequence;
        shadow.lastReleasedMillis = state.lastReleasedMillis;
        shadow.lastReleasedId = state.lastReleasedId;
        shadow.abandoned = state.abandoned;
        shadow.late = state.late;
        for (int i = 0; i < state.queuedId.length; i++) {
            shadow.run.offer(new Request(
                    state.queuedId[i],
                    state.queuedSequence[i],
                    state.queuedArrival[i],
                    state.queuedPrompt[i],
                    state.queuedOutput[i]));
            shadow.inFlight.add(state.queuedId[i]);
        }
        shadow.inFlight.addAll(List.of(state.cluster.runId));
        shadow.inFlight.addAll(List.of(state.cluster.poolId));
        for (PendingArrival p : pending) {
            shadow.pending.add(p);
            shadow.pendingById.put(p.requestId, p);
        }
        return shadow;
    }

    /**
     * What the stream says about a request: its arrival, and its output length if known
     * ({@link PendingArrival#UNKNOWN_OUTPUT} if not).
     */
    public Offer offer(String requestId, long arrivalMillis, int promptTokens, int outputTokens) {
        if (requestId == null || requestId.isEmpty()) {
            throw new IllegalArgumentException("a request needs an id");
        }
        if (promptTokens <= 0 || outputTokens < 0) {
            throw new IllegalArgumentException("request " + requestId + ": prompt must be > 0 and output >= 0 (0: "
                    + "unknown), got " + promptTokens + " and " + outputTokens);
        }
        PendingArrival known = pendingById.get(requestId);
        if (known != null) {
            if (!known.outputKnown() && outputTokens != PendingArrival.UNKNOWN_OUTPUT) {
                PendingArrival completed =
                        new PendingArrival(requestId, known.arrivalMillis, known.promptTokens, outputTokens);
                pending.remove(known);
                pending.add(completed);
                pendingById.put(requestId, completed);
                listener.onPending(completed);
            }
            return Offer.MERGED;
        }
        if (inFlight.contains(requestId)) {
            return Offer.MERGED;
        }
        PendingArrival p = new PendingArrival(requestId, arrivalMillis, promptTokens, outputTokens);
        if (lastReleasedMillis != Long.MIN_VALUE && ORDER.compare(p, lastReleased()) <= 0) {
            late++;
            return Offer.LATE;
        }
        pending.add(p);
        pendingById.put(requestId, p);
        listener.onPending(p);
        return Offer.NEW;
    }

    private PendingArrival lastReleased() {
        return new PendingArrival(lastReleasedId, lastReleasedMillis, 1, 1);
    }

    /**
     * Runs every iteration the stream determines, given that it is complete up to {@code completeUntilMillis} (every
     * request arriving at or before that time has been offered).
     *
     * @return how many iterations ran
     */
    public int advance(long completeUntilMillis) {
        waitingFor = null;
        while (!pending.isEmpty()) {
            PendingArrival head = pending.first();
            if (head.arrivalMillis > completeUntilMillis) {
                break;
            }
            if (!head.outputKnown()) {
                if (completeUntilMillis - head.arrivalMillis > maxHoldMillis) {
                    removePending(head);
                    abandoned++;
                    listener.onReleased(head);
                    listener.onAbandoned(head, completeUntilMillis);
                    continue;
                }
                waitingFor = head;
                break;
            }
            release(head);
        }
        if (originMillis == NO_ORIGIN) {
            return 0;
        }
        double waitingArrival = waitingFor == null ? Double.POSITIVE_INFINITY : seconds(waitingFor.arrivalMillis);
        int iterations = 0;
        while (run.advance(
                r -> {},
                clock -> clock < waitingArrival
                        && originMillis + (long) Math.ceil(clock * 1000.0) <= completeUntilMillis)) {
            iterations++;
        }
        return iterations;
    }

    private void release(PendingArrival p) {
        removePending(p);
        if (originMillis == NO_ORIGIN) {
            originMillis = p.arrivalMillis;
        }
        run.offer(new Request(p.requestId, nextSequence++, seconds(p.arrivalMillis), p.promptTokens, p.outputTokens));
        inFlight.add(p.requestId);
        lastReleasedMillis = p.arrivalMillis;
        lastReleasedId = p.requestId;
        listener.onReleased(p);
    }

    private void removePending(PendingArrival p) {
        pending.remove(p);
        pendingById.remove(p.requestId);
    }

    private double seconds(long epochMillis) {
        return (epochMillis - originMillis) / 1000.0;
    }

    /** The epoch time of a shadow clock reading, milliseconds (as datagen stamps its records). */
    public long epochMillis(double clockSeconds) {
        if (originMillis == NO_ORIGIN) {
            throw new IllegalStateException("no request let in yet: the clock has no origin");
        }
        return originMillis + (long) Math.floor(clockSeconds * 1000.0);
    }

    /** The shadow clock as an epoch time; {@link #NO_ORIGIN} before the first request is let in. */
    public long clockMillis() {
        return originMillis == NO_ORIGIN ? NO_ORIGIN : epochMillis(sim.clock());
    }

    /** The request without an output length that holds the shadow back after the last advance, or null. */
    public PendingArrival waitingFor() {
        return waitingFor;
    }

    /** Whether nothing is pending, queued, pooled or running: the shadow has nothing left to do until more comes. */
    public boolean isIdle() {
        return pending.isEmpty() && inFlight.isEmpty();
    }

    public ClusterSimulation simulation() {
        return sim;
    }

    public int pendingCount() {
        return pending.size();
    }

    /** Pending requests, in (arrival, id) order. */
    public List<PendingArrival> pending() {
        return new ArrayList<>(pending);
    }

    public long abandoned() {
        return abandoned;
    }

    public long late() {
        return late;
    }

    /** Everything but the pending requests (see {@link #pending()}). */
    public ShadowState snapshot() {
        ShadowState st = new ShadowState();
        st.cluster = sim.snapshot();
        st.originMillis = originMillis;
        st.nextSequence = nextSequence;
        st.lastReleasedMillis = lastReleasedMillis;
        st.lastReleasedId = lastReleasedId;
        st.abandoned = abandoned;
        st.late = late;
        List<Request> queued = run.queued();
        int n = queued.size();
        st.queuedId = new String[n];
        st.queuedSequence = new long[n];
        st.queuedArrival = new double[n];
        st.queuedPrompt = new int[n];
        st.queuedOutput = new int[n];
        for (int i = 0; i < n; i++) {
            Request r = queued.get(i);
            st.queuedId[i] = r.id();
            st.queuedSequence[i] = r.sequence();
            st.queuedArrival[i] = r.arrival();
            st.queuedPrompt[i] = r.promptTokens();
            st.queuedOutput[i] = r.outputTokens();
        }
        return st;
    }
}
