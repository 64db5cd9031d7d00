package io.dpbalance.engine.sim;

import io.dpbalance.engine.lookahead.Lookahead;
import io.dpbalance.engine.model.Request;
import io.dpbalance.engine.policy.Policy;
import java.util.List;

/** Runs a whole workload through one {@link ClusterSimulation}, in pool or arrival mode (docs/design.md §3). */
public final class Simulator {

    private Simulator() {}

    /**
     * @param requests  pool mode: in input order; arrival mode: any order (sorted by arrival, ties in input order)
     * @param poolSize  pool mode's R (0 or negative: the default 4 G); ignored in arrival mode
     * @param observer  extra listener (progress, step records), or null
     */
    public static SimulationResult run(
            List<Request> requests,
            WorkloadMode mode,
            ClusterConfig config,
            int poolSize,
            Policy policy,
            Lookahead lookahead,
            SimulationListener observer) {
        long startNanos = System.nanoTime();
        RunRecorder recorder = new RunRecorder(mode);
        SimulationListener listener = observer == null ? recorder : SimulationListener.all(recorder, observer);
        ClusterSimulation sim = new ClusterSimulation(config, policy, lookahead, listener);
        if (mode == WorkloadMode.POOL) {
            runPool(sim, requests, poolSize > 0 ? poolSize : 4 * config.ranks());
        } else {
            runArrival(sim, requests);
        }
        double wallMs = (System.nanoTime() - startNanos) / 1e6;
        return recorder.result(policy.name(), sim, wallMs);
    }

    private static void runPool(ClusterSimulation sim, List<Request> requests, int poolSize) {
        int next = 0;
        while (true) {
            while (sim.poolSize() < poolSize && next < requests.size()) {
                sim.enqueue(requests.get(next++));
            }
            sim.refill();
            if (sim.totalRunning() == 0) {
                if (sim.poolSize() > 0) {
                    throw stalled(sim);
                }
                return;
            }
            sim.step();
        }
    }

    private static void runArrival(ClusterSimulation sim, List<Request> requests) {
        ArrivalRun run = new ArrivalRun(sim, requests);
        while (!run.isFinished()) {
            run.advance(request -> {});
        }
    }

    private static IllegalStateException stalled(ClusterSimulation sim) {
        return new IllegalStateException("policy " + sim.policy().name() + " placed nothing on an idle cluster with "
                + sim.poolSize() + " pooled requests at step " + sim.stepCount());
    }
}
