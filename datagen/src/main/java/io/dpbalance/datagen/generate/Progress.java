package io.dpbalance.datagen.generate;

import io.dpbalance.datagen.sink.RecordSink;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The progress line of a long generation (records written, rate, elapsed time, ETA from the generator's share of work
 * done), redrawn at most twice a second on standard error, and only when a terminal is attached, so that piped and CI
 * output stays clean.
 */
final class Progress {

    private static final long REDRAW_NANOS = 500_000_000L;

    private final PrintStream out;
    private final String label;
    private final Generator generator;
    private final RecordSink sink;
    private final long startNanos = System.nanoTime();
    private long lastDraw;

    private Progress(PrintStream out, String label, Generator generator, RecordSink sink) {
        this.out = out;
        this.label = label;
        this.generator = generator;
        this.sink = sink;
    }

    /** A progress line on standard error if it is a terminal, otherwise one that draws nothing. */
    static Progress forTerminal(String label, Generator generator, RecordSink sink) {
        return new Progress(System.console() != null ? System.err : null, label, generator, sink);
    }

    void update() {
        if (out == null) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        double elapsed = (now - startNanos) / 1e9;
        long records = sink.written();
        double share = generator.workTotal() > 0 ? (double) generator.workDone() / generator.workTotal() : 0;
        String eta = share > 0 ? String.format(Locale.ROOT, "%.1f s", elapsed * (1 - share) / share) : "?";
        out.printf(Locale.ROOT, "\r%s: %,d records, %,.0f records/s, %.1f s elapsed, %.0f%% done, ETA %s   ",
                label, records, records / Math.max(elapsed, 1e-9), elapsed, 100 * share, eta);
        out.flush();
    }

    /** Clears the line once the run is over. */
    void done() {
        if (out != null && lastDraw != 0) {
            out.print("\r" + " ".repeat(120) + "\r");
            out.flush();
        }
    }
}
