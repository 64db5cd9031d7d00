package io.dpbalance.engine.metrics;

import java.util.Locale;

/**
 * Step time as a function of the loads entering the step. The reference model is affine in the busiest rank's
 * resident tokens, {@code T = C + t_tok * max_g L_g} (docs/design.md §3), with the constants of the paper's released
 * simulator for DeepSeek-V3-like decode on one rank: {@code C = (B * 0.6e-3 + 35e-3) / 16} s and
 * {@code t_tok = 1.5 * 2 * 576 * 61e-6 / 2^20} s per resident token.
 */
public record CostModel(double fixedSeconds, double secondsPerToken) implements java.io.Serializable {

    public static final double REFERENCE_SECONDS_PER_TOKEN = 1.5 * 2 * 576 * 61e-6 / (1 << 20);

    public CostModel {
        if (!(fixedSeconds >= 0) || !(secondsPerToken >= 0)) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT,
                    "cost model needs fixed >= 0 and per-token >= 0 seconds, got %s and %s",
                    fixedSeconds,
                    secondsPerToken));
        }
    }

    public static CostModel reference(int batch) {
        return new CostModel((batch * 0.6e-3 + 35e-3) / 16, REFERENCE_SECONDS_PER_TOKEN);
    }

    /** {@code reference} or {@code affine:c=SECONDS,t=SECONDS_PER_TOKEN}. */
    public static CostModel parse(String text, int batch) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("reference")) {
            return reference(batch);
        }
        if (t.startsWith("affine:")) {
            CostModel ref = reference(batch);
            double c = ref.fixedSeconds;
            double perToken = ref.secondsPerToken;
            for (String part : t.substring("affine:".length()).split(",")) {
                String[] kv = part.split("=", 2);
                if (kv.length != 2) {
                    throw new IllegalArgumentException(
                            "cost model '" + text + "': expected key=value, got '" + part + "'");
                }
                try {
                    switch (kv[0].trim()) {
                        case "c" -> c = Double.parseDouble(kv[1].trim());
                        case "t" -> perToken = Double.parseDouble(kv[1].trim());
                        default ->
                            throw new IllegalArgumentException(
                                    "cost model '" + text + "': unknown key '" + kv[0] + "' (expected c, t)");
                    }
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("cost model '" + text + "': '" + kv[1] + "' is not a number");
                }
            }
            return new CostModel(c, perToken);
        }
        throw new IllegalArgumentException(
                "unknown cost model '" + text + "'; expected 'reference' or 'affine:c=S,t=S'");
    }

    public double stepSeconds(long maxLoad) {
        return fixedSeconds + secondsPerToken * maxLoad;
    }
}
