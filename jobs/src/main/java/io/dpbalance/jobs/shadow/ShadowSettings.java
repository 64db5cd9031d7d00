package io.dpbalance.jobs.shadow;

import io.dpbalance.engine.policy.PolicyFactory;
import io.dpbalance.engine.policy.PolicySpec;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the shadow-scheduling pipeline needs besides its sources and sinks. Serializable; every policy and cluster is
 * built once here, so a bad value fails before the job starts.
 *
 * @param policies the shadow policies as spec texts ({@code bfio:h=20,lookahead=hazard}); kept as their labels in the
 *     output, the policies' own names ({@code bfio:h=20,lookahead=hazard}, {@code vllm})
 * @param lookahead the lookahead of policies whose spec names none
 * @param seed seeds noisy lookaheads
 * @param clusters per-cluster shadow clusters; a cluster not listed gets {@code defaultCluster}
 * @param lag how far behind the watermark the shadow runs, so that completions coming within it never hold it back
 * @param maxHold how long past a request's arrival the shadow waits for its output length before abandoning it
 * @param window size of the tumbling windows of WindowMetrics, on the shadow clock
 * @param outOfOrderness how far behind the newest arrival time an arrival may come and still count
 * @param idleness after how long without records a source split stops holding the watermark back
 * @param repeatRetention how long past its arrival (in event time) a request id is remembered, so that a repeat of it
 *     is a dead letter ({@link RequestRepeatCheck})
 * @param maxParallelism the job's max parallelism (number of key groups)
 */
public record ShadowSettings(
        List<String> policies,
        String lookahead,
        long seed,
        Map<String, ClusterSpec> clusters,
        ClusterSpec defaultCluster,
        Duration lag,
        Duration maxHold,
        Duration window,
        Duration outOfOrderness,
        Duration idleness,
        Duration repeatRetention,
        int maxParallelism)
        implements Serializable {

    /** The label of production's own metrics (from the analytics job), which no shadow policy may take. */
    static final String OBSERVED = "observed";

    public ShadowSettings {
        clusters = Map.copyOf(clusters);
        if (policies.isEmpty()) {
            throw new IllegalArgumentException("--policies: at least one policy");
        }
        Set<String> seen = new HashSet<>();
        List<String> normalized = new ArrayList<>();
        for (String text : policies) {
            // The label is the policy's own name, as `simulate` prints it (bfio:h=20,lookahead=oracle); the shadow
            // function
            // builds each policy again from its label.
            String label = PolicyFactory.create(PolicySpec.parse(text), lookahead, seed)
                    .policy()
                    .name();
            String again = PolicyFactory.create(PolicySpec.parse(label), lookahead, seed)
                    .policy()
                    .name();
            if (!again.equals(label)) {
                throw new IllegalStateException(
                        "policy " + text + " is named '" + label + "', which builds '" + again + "'");
            }
            if (label.equals(OBSERVED)) {
                throw new IllegalArgumentException("--policies: '" + OBSERVED + "' labels production's own metrics");
            }
            if (!seen.add(label)) {
                throw new IllegalArgumentException("--policies: " + label + " is listed twice");
            }
            normalized.add(label);
        }
        policies = List.copyOf(normalized);
        requirePositive("--lag", lag, true);
        requirePositive("--max-hold", maxHold, true);
        requirePositive("--window", window, false);
        requirePositive("--out-of-orderness", outOfOrderness, true);
        requirePositive("--idleness", idleness, false);
        requirePositive("--repeat-retention", repeatRetention, false);
        if (maxParallelism < 1 || maxParallelism > 32768) {
            throw new IllegalArgumentException("--max-parallelism must be in 1..32768, got " + maxParallelism);
        }
    }

    /** The defaults of the command line, for tests and embedders. */
    public static ShadowSettings defaults() {
        return new ShadowSettings(
                List.of("vllm", "least-tokens", "bfio:h=0", "bfio:h=20"),
                "oracle",
                1,
                Map.of(),
                new ClusterSpec(32, 72, "reference", "reference"),
                Duration.ofSeconds(60),
                Duration.ofMinutes(10),
                Duration.ofSeconds(10),
                Duration.ofSeconds(2),
                Duration.ofSeconds(30),
                Duration.ofHours(1),
                128);
    }

    public ShadowSettings withPolicies(List<String> policyTexts) {
        return new ShadowSettings(
                policyTexts,
                lookahead,
                seed,
                clusters,
                defaultCluster,
                lag,
                maxHold,
                window,
                outOfOrderness,
                idleness,
                repeatRetention,
                maxParallelism);
    }

    public ShadowSettings withClusters(Map<String, ClusterSpec> perCluster, ClusterSpec fallback) {
        return new ShadowSettings(
                policies,
                lookahead,
                seed,
                perCluster,
                fallback,
                lag,
                maxHold,
                window,
                outOfOrderness,
                idleness,
                repeatRetention,
                maxParallelism);
    }

    public ShadowSettings withTiming(Duration lagTime, Duration maxHoldTime, Duration outOfOrder) {
        return new ShadowSettings(
                policies,
                lookahead,
                seed,
                clusters,
                defaultCluster,
                lagTime,
                maxHoldTime,
                window,
                outOfOrder,
                idleness,
                repeatRetention,
                maxParallelism);
    }

    public ClusterSpec cluster(String clusterId) {
        return clusters.getOrDefault(clusterId, defaultCluster);
    }

    /** Parses repeated {@code CLUSTER:ranks=G;batch=B;cost-model=M;power-profile=P} over the defaults. */
    public static Map<String, ClusterSpec> parseClusters(List<String> texts, ClusterSpec defaults) {
        Map<String, ClusterSpec> out = new LinkedHashMap<>();
        for (String text : texts) {
            int colon = text.indexOf(':');
            String id = (colon < 0 ? text : text.substring(0, colon)).trim();
            if (id.isEmpty()) {
                throw new IllegalArgumentException("--cluster: expected CLUSTER:KEY=VALUE;..., got '" + text + "'");
            }
            try {
                out.put(id, defaults.with(colon < 0 ? "" : text.substring(colon + 1)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--cluster " + id + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    private static void requirePositive(String flag, Duration value, boolean zeroAllowed) {
        if (value == null || value.isNegative() || (!zeroAllowed && value.isZero())) {
            throw new IllegalArgumentException(flag + " must be " + (zeroAllowed ? ">= 0" : "> 0") + ", got " + value);
        }
    }
}
