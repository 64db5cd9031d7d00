package io.dpbalance.datagen.generate;

import io.dpbalance.datagen.sink.RecordSink;

/**
 * What a generator asks before each batch of records it emits: may it go on, and is the batch due yet. Paced, event
 * time advances with the wall clock from the start of the run (a record {@code t} seconds into the generation is
 * written {@code t} seconds after the run started); otherwise records are written as fast as they are made. A
 * requested stop ends either.
 */
public final class RunControl {

    private final boolean paced;
    private final StopSignal stop;
    private final GenerationProgress progress;
    private final RecordSink sink;
    private final long startNanos = System.nanoTime();

    RunControl(boolean paced, StopSignal stop, GenerationProgress progress, RecordSink sink) {
        this.paced = paced;
        this.stop = stop;
        this.progress = progress;
        this.sink = sink;
    }

    /**
     * Returns once records at {@code eventSeconds} after the run's start time are due: at once unless paced.
     *
     * @return false if the generator must stop instead
     */
    public boolean proceedAt(double eventSeconds) {
        progress.update();
        if (!paced) {
            return !stop.isRequested();
        }
        long due = startNanos + (long) (eventSeconds * 1e9);
        if (due > System.nanoTime()) {
            sink.beforeIdle();
        }
        return stop.sleepUntil(due);
    }
}
