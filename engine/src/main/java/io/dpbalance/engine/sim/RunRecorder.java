package io.dpbalance.engine.sim;

import io.dpbalance.engine.metrics.Percentiles;
import io.dpbalance.engine.metrics.StepAggregate;
import io.dpbalance.engine.metrics.StepStats;
import io.dpbalance.engine.model.Request;
import java.util.Arrays;

/** Collects a run's steps, finishes and decisions, and sums them into a {@link SimulationResult}. */
final class RunRecorder implements SimulationListener {

    private final WorkloadMode mode;
    private long[] imbalance = new long[1024];
    private double[] idle = new double[1024];
    private double[] seconds = new double[1024];
    private long[] tokens = new long[1024];
    private double[] energy = new double[1024];
    private double[] idleEnergy = new double[1024];
    private int steps;

    private double[] tpot = new double[1024];
    private double[] queueWait = new double[1024];
    private double[] e2e = new double[1024];
    private int finished;

    private double[] decisionMicros = new double[1024];
    private int decisions;
    private long maxWaitSteps;

    RunRecorder(WorkloadMode mode) {
        this.mode = mode;
    }

    @Override
    public void onStep(StepStats m) {
        if (steps == imbalance.length) {
            int n = steps * 2;
            imbalance = Arrays.copyOf(imbalance, n);
            idle = Arrays.copyOf(idle, n);
            seconds = Arrays.copyOf(seconds, n);
            tokens = Arrays.copyOf(tokens, n);
            energy = Arrays.copyOf(energy, n);
            idleEnergy = Arrays.copyOf(idleEnergy, n);
        }
        imbalance[steps] = m.imbalance();
        idle[steps] = m.idleFraction();
        seconds[steps] = m.stepSeconds();
        tokens[steps] = m.tokens();
        energy[steps] = m.energyJoules();
        idleEnergy[steps] = m.idleEnergyJoules();
        steps++;
    }

    @Override
    public void onPlacement(Request request, int rank, long afterStep, double clock, long waitedSteps) {
        maxWaitSteps = Math.max(maxWaitSteps, waitedSteps);
    }

    @Override
    public void onFinish(Request request, int rank, double placedAt, double finishedAt) {
        if (finished == tpot.length) {
            int n = finished * 2;
            tpot = Arrays.copyOf(tpot, n);
            queueWait = Arrays.copyOf(queueWait, n);
            e2e = Arrays.copyOf(e2e, n);
        }
        tpot[finished] = (finishedAt - placedAt) / request.outputTokens();
        queueWait[finished] = placedAt - request.arrival();
        e2e[finished] = finishedAt - request.arrival();
        finished++;
    }

    @Override
    public void onDecision(long nanos, int placed) {
        if (decisions == decisionMicros.length) {
            decisionMicros = Arrays.copyOf(decisionMicros, decisions * 2);
        }
        decisionMicros[decisions++] = nanos / 1000.0;
    }

    SimulationResult result(String policy, ClusterSimulation sim, double wallMs) {
        int averaged = mode == WorkloadMode.POOL ? (int) Math.max(0, Math.min(sim.lastPlacementStep(), steps)) : steps;
        StepAggregate window = new StepAggregate();
        for (int k = 0; k < averaged; k++) {
            window.add(imbalance[k], idle[k], tokens[k], seconds[k], energy[k], idleEnergy[k]);
        }
        double tpotSum = 0;
        for (int i = 0; i < finished; i++) {
            tpotSum += tpot[i];
        }
        boolean latencies = mode == WorkloadMode.ARRIVAL && finished > 0;
        double[] waits = latencies ? Percentiles.sortedCopy(queueWait, finished) : new double[0];
        double[] ends = latencies ? Percentiles.sortedCopy(e2e, finished) : new double[0];
        double[] decided = Percentiles.sortedCopy(decisionMicros, decisions);
        return new SimulationResult(
                policy,
                mode,
                sim.config().ranks(),
                sim.config().batch(),
                steps,
                averaged,
                window.avgImbalance(),
                window.avgIdleFraction(),
                window.tokens,
                window.seconds,
                window.throughputTokensPerS(),
                window.energyJoules,
                window.idleEnergyJoules,
                window.tokensPerJoule(),
                finished,
                finished == 0 ? Double.NaN : tpotSum / finished,
                Percentiles.ofSorted(waits, 50),
                Percentiles.ofSorted(waits, 95),
                Percentiles.ofSorted(waits, 99),
                Percentiles.ofSorted(ends, 50),
                Percentiles.ofSorted(ends, 95),
                Percentiles.ofSorted(ends, 99),
                decisions,
                decisions == 0 ? Double.NaN : Percentiles.ofSorted(decided, 50),
                decisions == 0 ? Double.NaN : Percentiles.ofSorted(decided, 99),
                maxWaitSteps,
                wallMs);
    }
}
