package io.dpbalance.engine.sim;

import io.dpbalance.engine.model.Request;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.DoublePredicate;

/**
 * Arrival mode (docs/design.md §3), one iteration at a time: requests join the pool when the clock reaches their arrival, the
 * policy refills, and the cluster runs one step, or, with nothing running, idles until the next arrival. The
 * simulator runs it to the end over a whole workload; datagen interleaves several clusters by clock with it; the
 * shadow scheduler ({@link ShadowRun}) feeds it a live stream, {@link #offer} by {@link #offer}, and lets it iterate
 * only as far as the stream has told it everything that arrived.
 */
public final class ArrivalRun {

    private final ClusterSimulation sim;
    private final ArrayDeque<Request> queue = new ArrayDeque<>();
    private final boolean open;
    private boolean finished;

    /** A closed run over a whole workload. @param requests in any order: sorted by arrival, ties in the given order */
    public ArrivalRun(ClusterSimulation sim, List<Request> requests) {
        this.sim = sim;
        List<Request> byArrival = new ArrayList<>(requests);
        byArrival.sort(Comparator.comparingDouble(Request::arrival));
        this.queue.addAll(byArrival);
        this.open = false;
    }

    /** An open run: requests come by {@link #offer}, in arrival order; it never finishes. */
    public ArrivalRun(ClusterSimulation sim) {
        this.sim = sim;
        this.open = true;
    }

    /** Adds the next request of an open run; it must not arrive before the previous one. */
    public void offer(Request request) {
        if (!open) {
            throw new IllegalStateException("offer() on a run over a whole workload");
        }
        Request last = queue.peekLast();
        if (last != null && request.arrival() < last.arrival()) {
            throw new IllegalArgumentException("request " + request.id() + " arrives at " + request.arrival()
                    + ", before the last offered one (" + last.id() + " at " + last.arrival() + ")");
        }
        queue.addLast(request);
    }

    /** Requests offered that have not joined the pool yet, in arrival order. */
    public List<Request> queued() {
        return new ArrayList<>(queue);
    }

    public ClusterSimulation simulation() {
        return sim;
    }

    /** Where the next iteration starts, seconds. */
    public double clock() {
        return sim.clock();
    }

    /** Whether every request of a closed run has arrived and finished. */
    public boolean isFinished() {
        return finished;
    }

    /**
     * One iteration of a closed run.
     *
     * @param onArrival told of each request as it joins the pool
     */
    public void advance(Consumer<Request> onArrival) {
        advance(onArrival, time -> true);
    }

    /**
     * One iteration, if its outcome is already determined.
     *
     * @param onArrival told of each request as it joins the pool
     * @param known     whether every request arriving at or before the given clock has been offered: an iteration
     *                  runs only at a clock it accepts, and an idle cluster jumps only to an arrival it accepts
     * @return whether the iteration ran; false when it must wait for more of the stream (or the run is finished)
     */
    public boolean advance(Consumer<Request> onArrival, DoublePredicate known) {
        if (finished || !known.test(sim.clock())) {
            return false;
        }
        while (!queue.isEmpty() && queue.peekFirst().arrival() <= sim.clock()) {
            Request request = queue.pollFirst();
            onArrival.accept(request);
            sim.enqueue(request);
        }
        sim.refill();
        if (sim.totalRunning() > 0) {
            sim.step();
            return true;
        }
        if (sim.poolSize() > 0) {
            throw new IllegalStateException("policy " + sim.policy().name() + " placed nothing on an idle cluster with "
                    + sim.poolSize() + " pooled requests at step " + sim.stepCount());
        }
        if (!queue.isEmpty()) {
            double next = queue.peekFirst().arrival();
            if (!known.test(next)) {
                return false;
            }
            sim.advanceClockTo(next);
            return true;
        }
        finished = !open;
        return false;
    }
}
