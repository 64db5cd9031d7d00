package io.dpbalance.datagen.generate;

import io.dpbalance.engine.model.Request;
import io.dpbalance.engine.policy.PolicyFactory;
import io.dpbalance.engine.sim.ArrivalRun;
import io.dpbalance.engine.sim.ClusterSimulation;
import java.util.List;

/**
 * One simulated production cluster in arrival mode, driven one iteration of the engine's {@link ArrivalRun} at a time
 * so that several clusters interleave by clock, with its decode log recorded. {@code DecodeLogAgreesWithEngineTest}
 * checks the steps against {@code Simulator.run}.
 */
final class ClusterRun {

    private final ArrivalRun run;
    private final DecodeLogRecords records;

    /**
     * @param byArrival the workload sorted by arrival
     * @param seed      this cluster's seed (noisy lookahead)
     */
    ClusterRun(List<Request> byArrival, DecodeLogSettings settings, long seed, DecodeLogRecords records) {
        PolicyFactory.Instance policy = PolicyFactory.create(settings.policy(), settings.lookahead(), seed);
        ClusterSimulation sim = new ClusterSimulation(settings.cluster(), policy.policy(), policy.lookahead(), records);
        sim.observeDecode(records);
        this.run = new ArrivalRun(sim, byArrival);
        this.records = records;
    }

    /** The cluster's simulation clock, seconds: where its next iteration starts. */
    double clock() {
        return run.clock();
    }

    boolean isFinished() {
        return run.isFinished();
    }

    long tokensDecoded() {
        return records.tokensDecoded();
    }

    /** Runs one iteration; afterwards {@link #isFinished()} says whether every request has finished. */
    void advance() {
        run.advance(records::arrived);
    }
}
