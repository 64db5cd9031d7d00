package io.dpbalance.engine.sim;

import io.dpbalance.engine.model.Request;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

/**
 * Arrival mode (spec §2), one iteration at a time: requests join the pool when the clock reaches their arrival, the
 * policy refills, and the cluster runs one step, or, with nothing running, idles until the next arrival. The
 * simulator runs it to the end; datagen interleaves several clusters by clock with it.
 */
public final class ArrivalRun {

    private final ClusterSimulation sim;
    private final List<Request> byArrival;
    private int next;
    private boolean finished;

    /** @param requests in any order: sorted by arrival, ties in the given order */
    public ArrivalRun(ClusterSimulation sim, List<Request> requests) {
        this.sim = sim;
        this.byArrival = new ArrayList<>(requests);
        this.byArrival.sort(Comparator.comparingDouble(Request::arrival));
    }

    public ClusterSimulation simulation() {
        return sim;
    }

    /** Where the next iteration starts, seconds. */
    public double clock() {
        return sim.clock();
    }

    /** Whether every request has arrived and finished. */
    public boolean isFinished() {
        return finished;
    }

    /**
     * One iteration.
     *
     * @param onArrival told of each request as it joins the pool
     */
    public void advance(Consumer<Request> onArrival) {
        while (next < byArrival.size() && byArrival.get(next).arrival() <= sim.clock()) {
            Request request = byArrival.get(next++);
            onArrival.accept(request);
            sim.enqueue(request);
        }
        sim.refill();
        if (sim.totalRunning() > 0) {
            sim.step();
        } else if (sim.poolSize() > 0) {
            throw new IllegalStateException("policy " + sim.policy().name() + " placed nothing on an idle cluster with "
                    + sim.poolSize() + " pooled requests at step " + sim.stepCount());
        } else if (next < byArrival.size()) {
            sim.advanceClockTo(byArrival.get(next).arrival());
        } else {
            finished = true;
        }
    }
}
