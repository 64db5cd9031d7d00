package io.dpbalance.report;

import java.util.Objects;
import java.util.Optional;

/**
 * How to draw a report.
 *
 * @param title the page's heading
 * @param cluster the cluster whose charts to draw; empty: the first cluster id in sorted order
 * @param window the window of the per-rank heat map: an index into the cluster's windows (0, 1, ...) or a window's
 *     start (or any instant inside it) in epoch milliseconds; empty: the window in which the observed cluster's mean imbalance
 *     was highest
 */
public record ReportOptions(String title, Optional<String> cluster, Optional<Long> window) {

    public ReportOptions {
        Objects.requireNonNull(title);
        Objects.requireNonNull(cluster);
        Objects.requireNonNull(window);
    }

    /** The defaults: title "dpbalance report", first cluster, the window of the observed cluster's highest mean imbalance. */
    public static ReportOptions defaults() {
        return new ReportOptions("dpbalance report", Optional.empty(), Optional.empty());
    }

    public ReportOptions withTitle(String newTitle) {
        return new ReportOptions(newTitle, cluster, window);
    }

    public ReportOptions withCluster(String newCluster) {
        return new ReportOptions(title, Optional.of(newCluster), window);
    }

    public ReportOptions withWindow(long newWindow) {
        return new ReportOptions(title, cluster, Optional.of(newWindow));
    }
}
