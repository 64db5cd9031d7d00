package io.dpbalance.engine.sim;

import java.util.Locale;

/** How requests reach the pool (docs/design.md §3). */
public enum WorkloadMode {
    /** All requests exist at time 0; the pool is topped up, in input order, to R before every policy call. */
    POOL,
    /** Request j joins the pool at its arrival time; the cluster idles while nothing runs. */
    ARRIVAL;

    public static WorkloadMode parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown mode '" + text + "'; expected pool or arrival");
        }
    }

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
