package io.dpbalance.jobs.analytics;

import io.dpbalance.engine.metrics.CostModel;
import io.dpbalance.engine.metrics.PowerProfile;
import java.io.Serializable;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What the trace analytics pipeline needs besides its sources and sinks. Serializable: the functions keep it. The cost
 * model and power profile travel as their command-line text (the engine's records are not serializable) and are
 * parsed once here, so a bad value fails before the job starts.
 *
 * @param roster configured ranks G per cluster; a cluster not listed learns its roster from its records
 * @param outOfOrderness how far behind the newest record time a record may arrive and still count
 * @param idleness after how long without records a source split stops holding the watermark back
 * @param maxStepSpread how far apart the record times of one step may lie (token times differ per rank within a
 *     step); a step window closes when the watermark passes its earliest record time plus this
 * @param window size of the tumbling event-time windows of WindowMetrics
 * @param costModel step-time model for steps without a measured time ({@code reference} or {@code affine:c=S,t=S})
 * @param batch batch capacity B of the clusters' ranks, for the reference cost model's constant
 * @param powerProfile power profile name or {@code idle=W,max=W,gamma=G}
 * @param requestIdleTimeout after how long without a token a request's last step is forgotten (a request whose final
 *     token never came)
 * @param maxParallelism the job's max parallelism (number of key groups); fixed for the life of its state
 */
public record AnalyticsSettings(
        Map<String, Integer> roster,
        Duration outOfOrderness,
        Duration idleness,
        Duration maxStepSpread,
        Duration window,
        String costModel,
        int batch,
        String powerProfile,
        Duration requestIdleTimeout,
        int maxParallelism)
        implements Serializable {

    /** The label of observed (production) metrics in StepMetrics and WindowMetrics. */
    public static final String OBSERVED = "observed";

    public AnalyticsSettings {
        roster = Map.copyOf(roster);
        roster.forEach((cluster, ranks) -> {
            if (ranks < 1) {
                throw new IllegalArgumentException(
                        "--roster: cluster '" + cluster + "' needs at least 1 rank, got " + ranks);
            }
        });
        requirePositive("--out-of-orderness", outOfOrderness, true);
        requirePositive("--idleness", idleness, false);
        requirePositive("--max-step-spread", maxStepSpread, true);
        requirePositive("--window", window, false);
        requirePositive("--request-idle-timeout", requestIdleTimeout, false);
        if (maxParallelism < 1 || maxParallelism > 32768) {
            throw new IllegalArgumentException("--max-parallelism must be in 1..32768, got " + maxParallelism);
        }
        CostModel.parse(costModel, batch);
        PowerProfile.parse(powerProfile);
    }

    /** The defaults of the command line, for tests and embedders. */
    public static AnalyticsSettings defaults() {
        return new AnalyticsSettings(
                Map.of(),
                Duration.ofSeconds(2),
                Duration.ofSeconds(30),
                Duration.ofSeconds(1),
                Duration.ofSeconds(10),
                "reference",
                72,
                "reference",
                Duration.ofMinutes(10),
                128);
    }

    public AnalyticsSettings withRoster(Map<String, Integer> ranksByCluster) {
        return new AnalyticsSettings(
                ranksByCluster,
                outOfOrderness,
                idleness,
                maxStepSpread,
                window,
                costModel,
                batch,
                powerProfile,
                requestIdleTimeout,
                maxParallelism);
    }

    public AnalyticsSettings withWatermarks(Duration outOfOrderness, Duration maxStepSpread) {
        return new AnalyticsSettings(
                roster,
                outOfOrderness,
                idleness,
                maxStepSpread,
                window,
                costModel,
                batch,
                powerProfile,
                requestIdleTimeout,
                maxParallelism);
    }

    public AnalyticsSettings withWindow(Duration size) {
        return new AnalyticsSettings(
                roster,
                outOfOrderness,
                idleness,
                maxStepSpread,
                size,
                costModel,
                batch,
                powerProfile,
                requestIdleTimeout,
                maxParallelism);
    }

    CostModel parsedCostModel() {
        return CostModel.parse(costModel, batch);
    }

    PowerProfile parsedPowerProfile() {
        return PowerProfile.parse(powerProfile);
    }

    /**
     * Parses {@code cluster-a=8,cluster-b=16}.
     *
     * @throws IllegalArgumentException naming the piece that is not {@code CLUSTER=RANKS}
     */
    public static Map<String, Integer> parseRoster(String text) {
        Map<String, Integer> roster = new LinkedHashMap<>();
        for (String piece : text.split(",")) {
            if (piece.isBlank()) {
                continue;
            }
            int eq = piece.lastIndexOf('=');
            String cluster = eq < 0 ? "" : piece.substring(0, eq).trim();
            if (cluster.isEmpty()) {
                throw new IllegalArgumentException("--roster: expected CLUSTER=RANKS, got '" + piece.trim() + "'");
            }
            try {
                roster.put(cluster, Integer.parseInt(piece.substring(eq + 1).trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(String.format(
                        Locale.ROOT,
                        "--roster: ranks of '%s' must be an integer, got '%s'",
                        cluster,
                        piece.substring(eq + 1).trim()));
            }
        }
        return roster;
    }

    private static void requirePositive(String flag, Duration value, boolean zeroAllowed) {
        if (value == null || value.isNegative() || (!zeroAllowed && value.isZero())) {
            throw new IllegalArgumentException(flag + " must be " + (zeroAllowed ? ">= 0" : "> 0") + ", got " + value);
        }
    }
}
