package io.dpbalance.report;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Instants as people read them: UTC date and time to the millisecond. */
final class Times {

    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    private Times() {}

    static String format(Instant instant) {
        return instant == null ? "-" : FORMAT.format(instant) + " UTC";
    }

    static String format(long epochMillis) {
        return format(Instant.ofEpochMilli(epochMillis));
    }
}
