package io.dpbalance.engine.sim;

import io.dpbalance.engine.metrics.StepStats;
import io.dpbalance.engine.model.Request;

/** Observes a {@link ClusterSimulation}: what it placed, each closed step, each finished request, each decision. */
public interface SimulationListener {

    SimulationListener NONE = new SimulationListener() {};

    /** {@code request} was bound to {@code rank} at the refill after step {@code afterStep} (0 = initial fill). */
    default void onPlacement(Request request, int rank, long afterStep, double clock, long waitedSteps) {}

    default void onStep(StepStats metrics) {}

    default void onFinish(Request request, int rank, double placedAt, double finishedAt) {}

    /** One policy call: its duration and how many requests it placed. */
    default void onDecision(long nanos, int placed) {}

    /** Fans out to several listeners, in order. */
    static SimulationListener all(SimulationListener... listeners) {
        return new SimulationListener() {
            @Override
            public void onPlacement(Request request, int rank, long afterStep, double clock, long waitedSteps) {
                for (SimulationListener l : listeners) {
                    l.onPlacement(request, rank, afterStep, clock, waitedSteps);
                }
            }

            @Override
            public void onStep(StepStats metrics) {
                for (SimulationListener l : listeners) {
                    l.onStep(metrics);
                }
            }

            @Override
            public void onFinish(Request request, int rank, double placedAt, double finishedAt) {
                for (SimulationListener l : listeners) {
                    l.onFinish(request, rank, placedAt, finishedAt);
                }
            }

            @Override
            public void onDecision(long nanos, int placed) {
                for (SimulationListener l : listeners) {
                    l.onDecision(nanos, placed);
                }
            }
        };
    }
}
