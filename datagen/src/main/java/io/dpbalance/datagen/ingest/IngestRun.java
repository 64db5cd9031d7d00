package io.dpbalance.datagen.ingest;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Reads files into an {@link Ingestor}: once to their end, or (follow) polling them for appended lines, replaced and
 * truncated files included, until {@link #stop} is called.
 */
public final class IngestRun {

    private final List<Path> files;
    private final Ingestor ingestor;
    private final boolean follow;
    private final long pollMillis;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch done = new CountDownLatch(1);

    public IngestRun(List<Path> files, Ingestor ingestor, boolean follow, long pollMillis) {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("ingest needs at least one FILE");
        }
        this.files = List.copyOf(files);
        this.ingestor = ingestor;
        this.follow = follow;
        this.pollMillis = pollMillis;
    }

    /** Reads until the files end (or, following, until {@link #stop}); the caller closes the sink afterwards. */
    public void run() {
        List<LineFollower> followers = new ArrayList<>();
        try {
            for (Path file : files) {
                LineFollower f = new LineFollower(file);
                f.open();
                followers.add(f);
            }
            if (follow) {
                while (true) {
                    for (LineFollower f : followers) {
                        f.poll(ingestor::accept);
                    }
                    ingestor.idle();
                    if (stop.await(pollMillis, TimeUnit.MILLISECONDS)) {
                        break;
                    }
                }
            }
            for (LineFollower f : followers) {
                f.finish(ingestor::accept);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            followers.forEach(LineFollower::close);
            done.countDown();
        }
    }

    /** Ends a following run after its current poll (and the files' last lines); waits up to the timeout for it. */
    public boolean stop(long timeoutMillis) throws InterruptedException {
        stop.countDown();
        return done.await(timeoutMillis, TimeUnit.MILLISECONDS);
    }
}
