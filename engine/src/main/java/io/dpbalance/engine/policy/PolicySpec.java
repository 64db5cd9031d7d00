package io.dpbalance.engine.policy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A policy as the command line writes it, {@code name[:key=value,…]} (docs/design.md §5), e.g. {@code bfio:h=0} or
 * {@code bfio:h=40,lookahead=hazard}.
 */
public record PolicySpec(String name, Map<String, String> params) {

    public PolicySpec {
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    public static PolicySpec parse(String text) {
        String t = text.trim();
        if (t.isEmpty()) {
            throw new IllegalArgumentException("empty policy name");
        }
        int colon = t.indexOf(':');
        String name = (colon < 0 ? t : t.substring(0, colon)).trim().toLowerCase(Locale.ROOT);
        Map<String, String> params = new LinkedHashMap<>();
        if (colon >= 0) {
            for (String part : t.substring(colon + 1).split(",")) {
                addParam(text, params, part);
            }
        }
        return new PolicySpec(name, params);
    }

    private static void addParam(String text, Map<String, String> params, String part) {
        String p = part.trim();
        if (p.isEmpty()) {
            return;
        }
        int eq = p.indexOf('=');
        if (eq <= 0 || eq == p.length() - 1) {
            throw new IllegalArgumentException("policy '" + text + "': expected key=value, got '" + p + "'");
        }
        params.put(
                p.substring(0, eq).trim().toLowerCase(Locale.ROOT),
                p.substring(eq + 1).trim());
    }

    /**
     * Splits a comma-separated list of policies, where parameters also use commas: a piece of the form
     * {@code key=value} (an '=' before any ':') continues the previous policy, anything else starts a new one.
     * {@code fcfs,bfio:h=40,lookahead=hazard,vllm} is three policies. A ';' always separates.
     */
    public static List<PolicySpec> parseList(String text) {
        List<PolicySpec> specs = new ArrayList<>();
        for (String group : text.split(";")) {
            StringBuilder current = null;
            for (String piece : group.split(",")) {
                String p = piece.trim();
                if (p.isEmpty()) {
                    continue;
                }
                int eq = p.indexOf('=');
                int colon = p.indexOf(':');
                boolean continues = eq > 0 && (colon < 0 || eq < colon);
                if (continues) {
                    if (current == null) {
                        throw new IllegalArgumentException(
                                "policy list '" + text + "': parameter '" + p + "' comes before any policy name");
                    }
                    current.append(current.indexOf(":") < 0 ? ":" : ",").append(p);
                } else {
                    if (current != null) {
                        specs.add(parse(current.toString()));
                    }
                    current = new StringBuilder(p);
                }
            }
            if (current != null) {
                specs.add(parse(current.toString()));
            }
        }
        if (specs.isEmpty()) {
            throw new IllegalArgumentException("no policy in '" + text + "'");
        }
        return specs;
    }

    public String text() {
        if (params.isEmpty()) {
            return name;
        }
        StringBuilder sb = new StringBuilder(name).append(':');
        params.forEach((k, v) -> sb.append(k).append('=').append(v).append(','));
        sb.setLength(sb.length() - 1);
        return sb.toString();
    }

    public String string(String key, String fallback) {
        return params.getOrDefault(key, fallback);
    }

    public int integer(String key, int fallback) {
        String v = params.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "policy '" + text() + "': " + key + " must be an integer, got '" + v + "'");
        }
    }

    public double number(String key, double fallback) {
        String v = params.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "policy '" + text() + "': " + key + " must be a number, got '" + v + "'");
        }
    }

    public boolean bool(String key, boolean fallback) {
        String v = params.get(key);
        if (v == null) {
            return fallback;
        }
        if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(v);
        }
        throw new IllegalArgumentException(
                "policy '" + text() + "': " + key + " must be true or false, got '" + v + "'");
    }

    /** Fails on parameters the policy does not know. */
    public void requireOnly(String... known) {
        for (String key : params.keySet()) {
            boolean ok = false;
            for (String k : known) {
                ok |= k.equals(key);
            }
            if (!ok) {
                throw new IllegalArgumentException("policy '" + name + "' has no parameter '" + key + "'"
                        + (known.length == 0 ? " (it takes none)" : "; known: " + String.join(", ", known)));
            }
        }
    }
}
