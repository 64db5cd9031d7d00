package io.dpbalance.cli;

import io.dpbalance.engine.metrics.StepStats;
import io.dpbalance.engine.model.Request;
import io.dpbalance.engine.progress.ProgressLine;
import io.dpbalance.engine.sim.SimulationListener;
import java.util.Locale;

/** The progress line of one simulation: steps, finished requests, rate, elapsed time, ETA. */
final class SimulationProgress implements SimulationListener {

    private final ProgressLine line;
    private final String label;
    private final long total;
    private long finished;
    private long steps;

    private SimulationProgress(ProgressLine line, String label, long total) {
        this.line = line;
        this.label = label;
        this.total = total;
    }

    /** A progress line on standard error if it is a terminal, otherwise no listener at all. */
    static SimulationListener forTerminal(String label, long total) {
        ProgressLine line = ProgressLine.forTerminal();
        return line.draws() ? new SimulationProgress(line, label, total) : SimulationListener.NONE;
    }

    @Override
    public void onStep(StepStats metrics) {
        steps++;
        line.update(elapsed -> {
            double rate = finished / Math.max(elapsed, 1e-9);
            double eta = rate > 0 ? (total - finished) / rate : Double.NaN;
            return String.format(
                    Locale.ROOT,
                    "%s: step %d, %d/%d requests finished, %.0f req/s, %.1f s elapsed, ETA %s",
                    label,
                    steps,
                    finished,
                    total,
                    rate,
                    elapsed,
                    Double.isNaN(eta) ? "?" : String.format(Locale.ROOT, "%.1f s", eta));
        });
    }

    @Override
    public void onFinish(Request request, int rank, double placedAt, double finishedAt) {
        finished++;
    }

    /** Clears the line once the run is over. */
    static void done(SimulationListener progress) {
        if (progress instanceof SimulationProgress p) {
            p.line.done();
        }
    }
}
