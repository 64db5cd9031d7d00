package io.dpbalance.exact;

import io.dpbalance.engine.lookahead.Lookahead;
import io.dpbalance.engine.policy.BfioPolicy;
import io.dpbalance.engine.policy.Policy;
import io.dpbalance.engine.policy.PolicyProvider;
import io.dpbalance.engine.policy.PolicySpec;
import java.util.List;

/**
 * Registers {@code bfio-exact} with the engine's {@link io.dpbalance.engine.policy.PolicyFactory} through
 * {@link java.util.ServiceLoader}, so the engine runs it without linking OR-Tools.
 */
public final class ExactPolicies implements PolicyProvider {

    @Override
    public List<String[]> policies() {
        return List.<String[]>of(new String[] {
            "bfio-exact",
            "BF-IO integer program solved exactly with OR-Tools CP-SAT (small clusters, validation): h=20, "
                    + "candidates=1024, time-limit=10 (seconds per decision), workers=1, lookahead=<--lookahead>"
        });
    }

    @Override
    public Policy create(PolicySpec spec, Lookahead lookahead) {
        if (!spec.name().equals("bfio-exact")) {
            return null;
        }
        spec.requireOnly("h", "candidates", "time-limit", "workers", "lookahead");
        if (lookahead.predictsDistributions()) {
            throw new IllegalArgumentException("bfio-exact solves the integer program on point predictions; lookahead '"
                    + lookahead.name() + "' predicts distributions (expected loads): use oracle, noisy:D or none");
        }
        return new BfioExactPolicy(
                spec.integer("h", BfioPolicy.DEFAULT_HORIZON),
                spec.integer("candidates", BfioPolicy.DEFAULT_CANDIDATES),
                spec.number("time-limit", BfioExactPolicy.DEFAULT_TIME_LIMIT),
                spec.integer("workers", BfioExactPolicy.DEFAULT_WORKERS),
                lookahead.name());
    }
}
