package io.dpbalance.datagen.ingest;

import java.io.UncheckedIOException;
import java.nio.channels.ClosedByInterruptException;
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

    /**
     * Reads until the files end (or, following, until {@link #stop} or an interrupt); the caller closes the sink
     * afterwards. An interrupt of the reading thread ends a following run as {@link #stop} does (the files' last
     * lines are read): it is returned, with the thread's interrupt flag cleared so that the caller can still close
     * the sink, and it is the caller's to restore.
     *
     * @return whether the thread was interrupted
     */
    public boolean run() {
        List<LineFollower> followers = new ArrayList<>();
        boolean interrupted = false;
        try {
            for (Path file : files) {
                LineFollower f = new LineFollower(file);
                f.open();
                followers.add(f);
            }
            if (follow) {
                while (!interrupted) {
                    for (LineFollower f : followers) {
                        interrupted |= read(f, false);
                    }
                    if (interrupted) {
                        break;
                    }
                    ingestor.idle();
                    try {
                        if (stop.await(pollMillis, TimeUnit.MILLISECONDS)) {
                            break;
                        }
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            }
            interrupted |= Thread.interrupted();
            for (LineFollower f : followers) {
                interrupted |= read(f, true);
            }
        } finally {
            followers.forEach(LineFollower::close);
            done.countDown();
        }
        return interrupted;
    }

    /**
     * Polls (or finishes) one file. An interrupt that closes its channel mid-read is taken as a stop: the flag is
     * cleared and the file read again from where it was.
     *
     * @return whether an interrupt was taken
     */
    private boolean read(LineFollower f, boolean finish) {
        for (int attempt = 0; ; attempt++) {
            try {
                if (finish) {
                    f.finish(ingestor::accept);
                } else {
                    f.poll(ingestor::accept);
                }
                return attempt > 0;
            } catch (UncheckedIOException e) {
                if (!(e.getCause() instanceof ClosedByInterruptException) || attempt > 0) {
                    throw e;
                }
                Thread.interrupted();
            }
        }
    }

    /** Ends a following run after its current poll (and the files' last lines); waits up to the timeout for it. */
    public boolean stop(long timeoutMillis) throws InterruptedException {
        stop.countDown();
        return done.await(timeoutMillis, TimeUnit.MILLISECONDS);
    }
}
