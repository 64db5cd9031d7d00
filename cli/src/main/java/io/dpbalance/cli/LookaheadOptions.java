package io.dpbalance.cli;

import io.dpbalance.engine.policy.PolicyFactory;
import io.dpbalance.engine.policy.PolicySpec;
import java.util.List;
import picocli.CommandLine.Option;

/** What BF-IO may know of the future, shared by simulate and sweep, and the policy factory that applies it. */
final class LookaheadOptions {

    @Option(
            names = "--lookahead",
            paramLabel = "L",
            defaultValue = "oracle",
            description = "What BF-IO may know of running requests' remaining tokens: oracle, noisy:D, none, hazard "
                    + "(learned online from finished requests), learned[:prior=K:ratio=R:min-skill=S:warmup=N:tail=M] (learned "
                    + "online per prompt-length bucket; BF-IO's horizon shrinks to what it predicts with skill). A "
                    + "policy's own lookahead=... wins. Default ${DEFAULT-VALUE}.")
    String lookahead;

    @Option(
            names = "--seed",
            paramLabel = "N",
            defaultValue = "1",
            description = "Seed of the noisy lookahead. Default ${DEFAULT-VALUE}.")
    long seed;

    /** A fresh policy and lookahead for one run. */
    PolicyFactory.Instance create(PolicySpec spec) {
        return PolicyFactory.create(spec, lookahead, seed);
    }

    /** Parses the policy list and fails on any unknown policy or parameter before a workload is read. */
    List<PolicySpec> policies(String list) {
        List<PolicySpec> specs = PolicySpec.parseList(list);
        specs.forEach(this::create);
        return specs;
    }
}
