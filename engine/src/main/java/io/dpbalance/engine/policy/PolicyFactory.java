package io.dpbalance.engine.policy;

import io.dpbalance.engine.lookahead.Lookahead;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/** Turns a {@link PolicySpec} into a fresh policy and the lookahead it runs with. */
public final class PolicyFactory {

    /** A policy instance and its lookahead (the cluster feeds finished requests to it). */
    public record Instance(Policy policy, Lookahead lookahead) {}

    private PolicyFactory() {}

    /**
     * @param defaultLookahead the lookahead of policies whose spec names none (the CLI's {@code --lookahead})
     * @param seed             seeds noisy lookaheads
     */
    public static Instance create(PolicySpec spec, String defaultLookahead, long seed) {
        Lookahead lookahead = Lookahead.parse(spec.string("lookahead", defaultLookahead), seed);
        for (PolicyProvider provider : providers()) {
            Policy policy = provider.create(spec, lookahead);
            if (policy != null) {
                return new Instance(policy, lookahead);
            }
        }
        throw new IllegalArgumentException("unknown policy '" + spec.name() + "'; known: "
                + String.join(", ", descriptions().keySet()));
    }

    /** Every known policy name with its description, built-in ones first. */
    public static Map<String, String> descriptions() {
        Map<String, String> out = new LinkedHashMap<>();
        for (PolicyProvider provider : providers()) {
            for (String[] p : provider.policies()) {
                out.put(p[0], p[1]);
            }
        }
        return out;
    }

    private static List<PolicyProvider> providers() {
        List<PolicyProvider> list = new ArrayList<>();
        list.add(new BuiltInPolicies());
        ServiceLoader.load(PolicyProvider.class).forEach(list::add);
        return list;
    }
}
