package io.dpbalance.engine.policy;

import io.dpbalance.engine.lookahead.Lookahead;
import java.util.List;

/** The policies of docs/design.md §5 that the engine itself implements. */
final class BuiltInPolicies implements PolicyProvider {

    @Override
    public List<String[]> policies() {
        return List.of(
                new String[] {"fcfs", "first free-slot-count pool requests fill rank 0, then rank 1, ... (paper's FCFS)"
                },
                new String[] {"round-robin", "pool order, ranks in cyclic order skipping full ranks"},
                new String[] {
                    "least-tokens",
                    "pool order, each to the free rank with the fewest KV tokens (SGLang total_tokens, paper's JSQ)"
                },
                new String[] {
                    "least-requests",
                    "pool order, each to the free rank with the fewest running requests (SGLang total_requests)"
                },
                new String[] {"vllm", "binds at arrival to argmin 4*waiting+running; per-rank FIFO admission"},
                new String[] {
                    "trtllm",
                    "TensorRT-LLM attention DP: cap max(ceil(total/G), max running), prompts descending to the least-loaded rank under the cap"
                },
                new String[] {
                    "bfio",
                    "BF-IO: h=20, beta=43, decay=0.86, max-wait=0 (no bound), greedy=7, candidates=1024, polish=true, check=false, lookahead=<--lookahead>"
                });
    }

    @Override
    public Policy create(PolicySpec spec, Lookahead lookahead) {
        switch (spec.name()) {
            case "fcfs":
                spec.requireOnly();
                return new FcfsPolicy();
            case "round-robin":
                spec.requireOnly();
                return new RoundRobinPolicy();
            case "least-tokens":
                spec.requireOnly();
                return new LeastTokensPolicy();
            case "least-requests":
                spec.requireOnly();
                return new LeastRequestsPolicy();
            case "vllm":
                spec.requireOnly();
                return new VllmPolicy();
            case "trtllm":
                spec.requireOnly();
                return new TrtLlmPolicy();
            case "bfio":
                spec.requireOnly(
                        "h", "beta", "decay", "max-wait", "greedy", "candidates", "polish", "check", "lookahead");
                return new BfioPolicy(
                        spec.integer("h", BfioPolicy.DEFAULT_HORIZON),
                        spec.number("beta", BfioPolicy.DEFAULT_BETA),
                        spec.number("decay", BfioPolicy.DEFAULT_DECAY),
                        spec.integer("max-wait", 0),
                        spec.integer("greedy", BfioPolicy.DEFAULT_GREEDY),
                        spec.integer("candidates", BfioPolicy.DEFAULT_CANDIDATES),
                        spec.bool("polish", true),
                        spec.string("check", "false"),
                        lookahead.name());
            default:
                return null;
        }
    }
}
