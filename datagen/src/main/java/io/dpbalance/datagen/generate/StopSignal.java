package io.dpbalance.datagen.generate;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A request to stop generating, from the shutdown hook (SIGINT, SIGTERM) or a test. Paced generation sleeps on it, so
 * a stop wakes a generator that waits for the next record to be due.
 */
public final class StopSignal {

    private final CountDownLatch requested = new CountDownLatch(1);

    public void request() {
        requested.countDown();
    }

    public boolean isRequested() {
        return requested.getCount() == 0;
    }

    /**
     * Sleeps until {@link System#nanoTime()} reaches {@code deadlineNanos}.
     *
     * @return false if a stop was requested before or during the sleep
     */
    boolean sleepUntil(long deadlineNanos) {
        long wait = deadlineNanos - System.nanoTime();
        if (wait <= 0) {
            return !isRequested();
        }
        try {
            return !requested.await(wait, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
