package io.dpbalance.datagen.generate;

import io.dpbalance.datagen.sink.RecordSink;
import io.dpbalance.engine.progress.ProgressLine;
import java.util.Locale;

/** The progress line of a generation: records written, rate, elapsed time, ETA from the generator's share done. */
final class GenerationProgress {

    private final ProgressLine line = ProgressLine.forTerminal();
    private final String label;
    private final Generator generator;
    private final RecordSink sink;

    GenerationProgress(String label, Generator generator, RecordSink sink) {
        this.label = label;
        this.generator = generator;
        this.sink = sink;
    }

    void update() {
        line.update(elapsed -> {
            long records = sink.written();
            double share = generator.workTotal() > 0 ? (double) generator.workDone() / generator.workTotal() : 0;
            String eta = share > 0 ? String.format(Locale.ROOT, "%.1f s", elapsed * (1 - share) / share) : "?";
            return String.format(
                    Locale.ROOT,
                    "%s: %,d records, %,.0f records/s, %.1f s elapsed, %.0f%% done, ETA %s",
                    label,
                    records,
                    records / Math.max(elapsed, 1e-9),
                    elapsed,
                    100 * share,
                    eta);
        });
    }

    /** Clears the line once the run is over. */
    void done() {
        line.done();
    }
}
