package io.dpbalance.jobs.shadow;

import io.dpbalance.engine.metrics.CostModel;
import io.dpbalance.engine.metrics.PowerProfile;
import io.dpbalance.engine.sim.ClusterConfig;
import java.io.Serializable;
import java.util.Locale;

/**
 * The shadow cluster of one DP group: G ranks of capacity B, its cost model and power profile as their command-line
 * text (parsed, and so checked, on construction). Serializable: the shadow function keeps it.
 */
public record ClusterSpec(int ranks, int batch, String costModel, String powerProfile) implements Serializable {

    public ClusterSpec {
        config(ranks, batch, costModel, powerProfile);
    }

    public ClusterConfig config() {
        return config(ranks, batch, costModel, powerProfile);
    }

    private static ClusterConfig config(int ranks, int batch, String costModel, String powerProfile) {
        return new ClusterConfig(ranks, batch, CostModel.parse(costModel, batch), PowerProfile.parse(powerProfile));
    }

    /**
     * Overrides from {@code ranks=G;batch=B;cost-model=M;power-profile=P} (any subset, ';'-separated because cost models
     * and power profiles use commas).
     */
    public ClusterSpec with(String overrides) {
        int g = ranks;
        int b = batch;
        String cost = costModel;
        String power = powerProfile;
        for (String piece : overrides.split(";")) {
            if (piece.isBlank()) {
                continue;
            }
            int eq = piece.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected KEY=VALUE, got '" + piece.trim() + "'");
            }
            String key = piece.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String value = piece.substring(eq + 1).trim();
            switch (key) {
                case "ranks" -> g = integer(key, value);
                case "batch" -> b = integer(key, value);
                case "cost-model" -> cost = value;
                case "power-profile" -> power = value;
                default ->
                    throw new IllegalArgumentException(
                            "unknown key '" + key + "'; known: ranks, batch, cost-model, power-profile");
            }
        }
        return new ClusterSpec(g, b, cost, power);
    }

    private static int integer(String key, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer, got '" + value + "'");
        }
    }
}
