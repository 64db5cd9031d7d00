package io.dpbalance.engine.policy;

import io.dpbalance.engine.lookahead.Lookahead;
import java.util.List;

/**
 * Makes policies by name. The engine provides the built-in ones; modules with heavy dependencies (bfio-exact and
 * its OR-Tools natives) register theirs through {@link java.util.ServiceLoader}, so the engine never links them.
 */
public interface PolicyProvider {

    /** Names this provider makes, with a one-line description each ({@code name}, {@code description}). */
    List<String[]> policies();

    /** A fresh policy for one cluster and one run, or null if the name is not this provider's. */
    Policy create(PolicySpec spec, Lookahead lookahead);
}
