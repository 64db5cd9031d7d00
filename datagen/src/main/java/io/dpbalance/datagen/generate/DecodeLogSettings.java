package io.dpbalance.datagen.generate;

import io.dpbalance.engine.policy.PolicySpec;
import io.dpbalance.engine.sim.ClusterConfig;
import java.util.Objects;

/**
 * The simulated production setup of {@code decode-log}.
 *
 * @param cluster     G, B and the cost model of every cluster
 * @param policy      the production placement policy (docs/design.md §5)
 * @param lookahead   the lookahead of a policy whose spec names none
 * @param granularity which records to write besides the requests
 * @param jitter      F: each rank's compute time is the cost model's times {@code 1 + U[-F, F]}, seeded; 0 for none
 * @param seed        cluster i seeds its jitter and noisy lookahead with {@code seed + i}
 */
public record DecodeLogSettings(
        ClusterConfig cluster, PolicySpec policy, String lookahead, Granularity granularity, double jitter, long seed) {

    public DecodeLogSettings {
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(lookahead, "lookahead");
        Objects.requireNonNull(granularity, "granularity");
        if (!(jitter >= 0 && jitter < 1)) {
            throw new IllegalArgumentException("--jitter must be in [0, 1), not " + jitter);
        }
    }
}
