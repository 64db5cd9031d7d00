package io.dpbalance.engine.metrics;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Power drawn by one rank as a function of its utilization {@code u = L_g / max L} within a step:
 * {@code P(u) = P_idle + (P_max - P_idle) * u^gamma}, and {@code P_idle} when {@code u = 0} (docs/design.md §4).
 *
 * <p>Presets. {@code reference} is the paper's profile (100 W idle, 400 W peak, gamma 0.7; arXiv 2601.17855,
 * appendix D.1, and its released simulator). The accelerator presets take the peak from the vendor's board power
 * (NVIDIA A100 SXM4 datasheet: 400 W; H100 SXM5 datasheet: 700 W; H200 SXM datasheet: up to 700 W) and the idle
 * draw from what {@code nvidia-smi} typically reports for an idle board with the model loaded (about 60 W for
 * A100, 90 W for H100, 100 W for H200); they keep the paper's sub-linear exponent. They are presets for
 * comparison, not measurements of any particular fleet: teams with measured curves pass their own values.
 */
public record PowerProfile(String name, double idleWatts, double maxWatts, double gamma)
        implements java.io.Serializable {

    public static final PowerProfile REFERENCE = new PowerProfile("reference", 100.0, 400.0, 0.7);
    public static final PowerProfile A100 = new PowerProfile("a100", 60.0, 400.0, 0.7);
    public static final PowerProfile H100 = new PowerProfile("h100", 90.0, 700.0, 0.7);
    public static final PowerProfile H200 = new PowerProfile("h200", 100.0, 700.0, 0.7);

    private static final Map<String, PowerProfile> PRESETS = new LinkedHashMap<>();

    static {
        for (PowerProfile p : new PowerProfile[] {REFERENCE, A100, H100, H200}) {
            PRESETS.put(p.name(), p);
        }
    }

    public PowerProfile {
        if (!(idleWatts >= 0) || !(maxWatts >= idleWatts) || !(gamma > 0)) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT,
                    "power profile %s: need 0 <= idle (%s) <= max (%s) and gamma (%s) > 0",
                    name,
                    idleWatts,
                    maxWatts,
                    gamma));
        }
    }

    /** Power of a rank at utilization {@code u} in [0, 1]. */
    public double watts(double utilization) {
        double u = Math.max(0.0, Math.min(1.0, utilization));
        if (u <= 0.0) {
            return idleWatts;
        }
        return idleWatts + (maxWatts - idleWatts) * Math.pow(u, gamma);
    }

    /**
     * A preset name ({@code reference}, {@code a100}, {@code h100}, {@code h200}) or a custom profile written
     * {@code idle=W,max=W,gamma=G}.
     */
    public static PowerProfile parse(String text) {
        String key = text.trim().toLowerCase(Locale.ROOT);
        PowerProfile preset = PRESETS.get(key);
        if (preset != null) {
            return preset;
        }
        if (key.contains("=")) {
            double idle = REFERENCE.idleWatts;
            double max = REFERENCE.maxWatts;
            double gamma = REFERENCE.gamma;
            for (String part : key.split(",")) {
                String[] kv = part.split("=", 2);
                if (kv.length != 2) {
                    throw new IllegalArgumentException(
                            "power profile '" + text + "': expected key=value, got '" + part + "'");
                }
                double v;
                try {
                    v = Double.parseDouble(kv[1].trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("power profile '" + text + "': '" + kv[1] + "' is not a number");
                }
                switch (kv[0].trim()) {
                    case "idle" -> idle = v;
                    case "max" -> max = v;
                    case "gamma" -> gamma = v;
                    default ->
                        throw new IllegalArgumentException("power profile '" + text + "': unknown key '" + kv[0]
                                + "' (expected idle, max, gamma)");
                }
            }
            return new PowerProfile("custom", idle, max, gamma);
        }
        throw new IllegalArgumentException("unknown power profile '" + text + "'; expected one of " + PRESETS.keySet()
                + " or idle=W,max=W,gamma=G");
    }

    public static Map<String, PowerProfile> presets() {
        return Map.copyOf(PRESETS);
    }
}
