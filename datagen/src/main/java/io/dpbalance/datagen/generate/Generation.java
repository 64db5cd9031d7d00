package io.dpbalance.datagen.generate;

import io.dpbalance.datagen.sink.RecordSink;
import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a generator into a sink: progress on a terminal, a clean stop on SIGINT or SIGTERM, the summary at the
 * end.
 *
 * <p>On a signal the JVM runs its shutdown hooks and then halts, whatever other threads are doing. The hook therefore
 * asks the generator to stop and waits until the generating thread has flushed the sink (buffered Kafka records
 * delivered, Avro files closed with their last block) and printed the summary; only then does the JVM go down.
 */
public final class Generation {

    private static final Logger LOG = LoggerFactory.getLogger(Generation.class);

    /** How long a signal waits for the flush; beyond it the JVM halts anyway (a broker that went away, say). */
    private static final long STOP_WAIT_SECONDS = 60;

    private final String label;
    private final Generator generator;
    private final RecordSink sink;
    private final boolean paced;
    private final PrintWriter summaryOut;
    private final StopSignal stop = new StopSignal();
    private final CountDownLatch finished = new CountDownLatch(1);

    /**
     * @param label      the subcommand, for the progress line
     * @param paced      whether records wait for their event time (see {@link RunControl})
     * @param summaryOut where the summary goes at the end
     */
    public Generation(String label, Generator generator, RecordSink sink, boolean paced, PrintWriter summaryOut) {
        this.label = label;
        this.generator = generator;
        this.sink = sink;
        this.paced = paced;
        this.summaryOut = summaryOut;
    }

    /**
     * Generates, closes the sink and prints the summary.
     *
     * @param onSignals whether SIGINT and SIGTERM stop the run cleanly (a shutdown hook for the run's duration)
     * @throws RuntimeException what the generator or the sink threw; the sink is closed all the same
     */
    public GenerationResult run(boolean onSignals) {
        Thread hook = new Thread(this::stopAndAwait, "dpbalance-datagen-stop");
        if (onSignals) {
            Runtime.getRuntime().addShutdownHook(hook);
        }
        try {
            return generate();
        } finally {
            finished.countDown();
            if (onSignals) {
                removeHook(hook);
            }
        }
    }

    private GenerationResult generate() {
        long start = System.nanoTime();
        GenerationProgress progress = new GenerationProgress(label, generator, sink);
        try {
            generator.run(sink, new RunControl(paced, stop, progress, sink));
        } catch (RuntimeException e) {
            closeAfterFailure(e);
            throw e;
        } finally {
            progress.done();
        }
        sink.close();
        GenerationResult result = new GenerationResult(
                generator.description(),
                sink.destination(),
                sink.counts(),
                (System.nanoTime() - start) / 1e9,
                stop.isRequested());
        LOG.debug("generation finished: {}", result);
        result.print(summaryOut);
        return result;
    }

    private void closeAfterFailure(RuntimeException failure) {
        try {
            sink.close();
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    /**
     * The shutdown path: asks the generator to stop and waits until the sink is flushed and closed and the summary
     * printed. The shutdown hook calls it; tests call it directly.
     */
    public void stopAndAwait() {
        stop.request();
        try {
            if (!finished.await(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn(
                        "the generation did not finish within {} s of the stop request; exiting without a final "
                                + "flush",
                        STOP_WAIT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Records written so far (progress; tests wait on it before stopping a run). */
    public long written() {
        return sink.written();
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // A signal arrived as the run ended: the hook is running and must be left to finish.
        }
    }
}
