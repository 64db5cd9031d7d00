package io.dpbalance.datagen.generate;

import io.dpbalance.engine.model.Request;
import io.dpbalance.engine.policy.PolicyFactory;
import io.dpbalance.engine.sim.ClusterSimulation;

import java.util.List;

/**
 * One simulated production cluster in arrival mode, driven one iteration at a time so that several clusters interleave
 * by clock. An iteration is that of the engine's arrival-mode loop ({@code Simulator.run}): enqueue the requests that
 * have arrived, let the policy refill, then run one step, or, with nothing running, idle until the next arrival.
 * {@code DecodeLogAgreesWithEngineTest} checks the steps against {@code Simulator.run}.
 */
final class ClusterRun {

    private final ClusterSimulation sim;
    private final DecodeLogRecords records;
    private final List<Request> byArrival;
    private int next;
    private boolean finished;

    /**
     * @param byArrival the workload sorted by arrival
     * @param seed      this cluster's seed (noisy lookahead)
     */
    ClusterRun(List<Request> byArrival, DecodeLogSettings settings, long seed, DecodeLogRecords records) {
        PolicyFactory.Instance policy = PolicyFactory.create(settings.policy(), settings.lookahead(), seed);
        this.sim = new ClusterSimulation(settings.cluster(), policy.policy(), policy.lookahead(), records);
        this.sim.observeDecode(records);
        this.records = records;
        this.byArrival = byArrival;
    }

    /** The cluster's simulation clock, seconds: where its next iteration starts. */
    double clock() {
        return sim.clock();
    }

    boolean isFinished() {
        return finished;
    }

    long tokensDecoded() {
        return records.tokensDecoded();
    }

    /** Runs one iteration; afterwards {@link #isFinished()} says whether every request has finished. */
    void advance() {
        while (next < byArrival.size() && byArrival.get(next).arrival() <= sim.clock()) {
            Request request = byArrival.get(next++);
            records.arrived(request);
            sim.enqueue(request);
        }
        sim.refill();
        if (sim.totalRunning() > 0) {
            sim.step();
        } else if (sim.poolSize() > 0) {
            throw new IllegalStateException("policy " + sim.policy().name() + " placed nothing on an idle cluster with "
                    + sim.poolSize() + " waiting requests at step " + sim.stepCount());
        } else if (next < byArrival.size()) {
            sim.advanceClockTo(byArrival.get(next).arrival());
        } else {
            finished = true;
        }
    }
}
