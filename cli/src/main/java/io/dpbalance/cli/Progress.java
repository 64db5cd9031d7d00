package io.dpbalance.cli;

import io.dpbalance.engine.metrics.StepStats;
import io.dpbalance.engine.model.Request;
import io.dpbalance.engine.sim.SimulationListener;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A progress line for long runs (finished requests, rate, elapsed, ETA), redrawn at most twice a second on
 * standard error, and only when a terminal is attached, so piped and CI output stays clean.
 */
final class Progress implements SimulationListener {

    private final PrintStream out;
    private final String label;
    private final long total;
    private final long startNanos = System.nanoTime();
    private long lastDraw;
    private long finished;
    private long steps;

    private Progress(PrintStream out, String label, long total) {
        this.out = out;
        this.label = label;
        this.total = total;
    }

    /** A progress line on standard error if it is a terminal, otherwise nothing. */
    static SimulationListener forTerminal(String label, long total) {
        return System.console() != null ? new Progress(System.err, label, total) : SimulationListener.NONE;
    }

    @Override
    public void onStep(StepStats metrics) {
        steps++;
        long now = System.nanoTime();
        if (now - lastDraw > 500_000_000L) {
            lastDraw = now;
            double elapsed = (now - startNanos) / 1e9;
            double rate = finished / Math.max(elapsed, 1e-9);
            double eta = rate > 0 ? (total - finished) / rate : Double.NaN;
            out.printf(Locale.ROOT, "\r%s: step %d, %d/%d requests finished, %.0f req/s, %.1f s elapsed, ETA %s   ",
                    label, steps, finished, total, rate, elapsed, Double.isNaN(eta) ? "?" : String.format(Locale.ROOT, "%.1f s", eta));
            out.flush();
        }
    }

    @Override
    public void onFinish(Request request, int rank, double placedAt, double finishedAt) {
        finished++;
    }

    /** Clears the line once the run is over. */
    static void done(SimulationListener progress) {
        if (progress instanceof Progress p && p.lastDraw != 0) {
            p.out.print("\r" + " ".repeat(120) + "\r");
            p.out.flush();
        }
    }
}
