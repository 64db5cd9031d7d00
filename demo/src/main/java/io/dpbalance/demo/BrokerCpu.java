package io.dpbalance.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time of another process from /proc (Linux), for the demo's closing CPU line. */
final class BrokerCpu {

    /** Clock ticks per second of /proc/PID/stat on Linux (USER_HZ). */
    private static final double TICKS_PER_SECOND = 100.0;

    private BrokerCpu() {}

    /** User plus system CPU seconds of {@code pid}, NaN when /proc does not say. */
    static double seconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // Fields after the command name in parentheses (which may hold spaces): state is field 3, utime 14.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }
}
