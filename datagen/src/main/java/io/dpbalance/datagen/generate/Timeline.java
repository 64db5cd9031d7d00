package io.dpbalance.datagen.generate;

import java.time.Instant;

/**
 * Maps the generation's clock (seconds from its start: trace arrivals, the simulation clock) to epoch time: the start
 * instant plus the seconds, truncated to the millisecond that the records carry.
 */
final class Timeline {

    private final long startMillis;

    Timeline(Instant start) {
        this.startMillis = start.toEpochMilli();
    }

    long epochMillis(double seconds) {
        return startMillis + (long) Math.floor(seconds * 1000.0);
    }

    Instant instant(double seconds) {
        return Instant.ofEpochMilli(epochMillis(seconds));
    }
}
