package io.dpbalance.engine.progress;

import java.io.PrintStream;
import java.util.function.DoubleFunction;

/**
 * The progress line of a long run (the simulator's, the datagen's), redrawn in place at most twice a second on
 * standard error, and only when a terminal is attached, so that piped and CI output stays clean.
 */
public final class ProgressLine {

    private static final long REDRAW_NANOS = 500_000_000L;

    private final PrintStream out;
    private final long startNanos = System.nanoTime();
    private long lastDraw;

    ProgressLine(PrintStream out) {
        this.out = out;
    }

    /** A line on standard error if it is a terminal, otherwise one that draws nothing. */
    public static ProgressLine forTerminal() {
        return new ProgressLine(System.console() != null ? System.err : null);
    }

    /** Whether anything is drawn: callers may skip their bookkeeping when not. */
    public boolean draws() {
        return out != null;
    }

    /**
     * Redraws the line with {@code text} of the seconds elapsed since the line was made, unless it was drawn less than
     * half a second ago.
     */
    public void update(DoubleFunction<String> text) {
        if (out == null) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        out.print("\r" + text.apply((now - startNanos) / 1e9) + "   ");
        out.flush();
    }

    /** Clears the line once the run is over. */
    public void done() {
        if (out != null && lastDraw != 0) {
            out.print("\r" + " ".repeat(120) + "\r");
            out.flush();
        }
    }
}
