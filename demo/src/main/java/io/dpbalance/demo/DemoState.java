package io.dpbalance.demo;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the page and the report show at one moment: the table rows and the idle-fraction series of every cluster,
 * rendered as the JSON the page's script reads.
 *
 * @param title    heading
 * @param setup    one line describing the clusters, workload and jobs
 * @param status   what the demo is doing (running for N s, stopped)
 * @param rows     the table, per cluster and label
 * @param series   per cluster, per label: [window end epoch ms, idle fraction, imbalance] points
 */
record DemoState(
        String title,
        String setup,
        String status,
        List<PolicyRow> rows,
        Map<String, Map<String, List<double[]>>> series) {

    String toJson() {
        StringBuilder json = new StringBuilder(4096);
        json.append("{\"title\":")
                .append(string(title))
                .append(",\"setup\":")
                .append(string(setup))
                .append(",\"status\":")
                .append(string(status))
                .append(",\"clusters\":[");
        boolean firstCluster = true;
        for (Map.Entry<String, Map<String, List<double[]>>> cluster : series.entrySet()) {
            json.append(firstCluster ? "" : ",")
                    .append("{\"id\":")
                    .append(string(cluster.getKey()))
                    .append(",\"series\":[");
            firstCluster = false;
            boolean firstLabel = true;
            for (Map.Entry<String, List<double[]>> label : cluster.getValue().entrySet()) {
                json.append(firstLabel ? "" : ",")
                        .append("{\"label\":")
                        .append(string(label.getKey()))
                        .append(",\"points\":[");
                firstLabel = false;
                appendPoints(json, label.getValue(), 1);
                json.append("],\"imbalance\":[");
                appendPoints(json, label.getValue(), 2);
                json.append("]}");
            }
            json.append("],\"rows\":[");
            boolean firstRow = true;
            for (PolicyRow row : rows) {
                if (!row.cluster().equals(cluster.getKey())) {
                    continue;
                }
                json.append(firstRow ? "" : ",")
                        .append("{\"label\":")
                        .append(string(row.label()))
                        .append(",\"windows\":")
                        .append(row.windows())
                        .append(",\"steps\":")
                        .append(row.steps())
                        .append(",\"idle_fraction\":")
                        .append(number(row.idleFraction()))
                        .append(",\"avg_imbalance\":")
                        .append(number(row.imbalance()))
                        .append(",\"joules_per_token\":")
                        .append(number(row.joulesPerToken()))
                        .append(",\"tokens\":")
                        .append(row.tokens())
                        .append(",\"p99_decision_us\":")
                        .append(number(row.p99DecisionMicros()))
                        .append('}');
                firstRow = false;
            }
            json.append("]}");
        }
        return json.append("]}").toString();
    }

    /** [time, value] pairs of one column of the points; points without that column are left out. */
    private static void appendPoints(StringBuilder json, List<double[]> points, int column) {
        boolean first = true;
        for (double[] point : points) {
            if (point.length <= column) {
                continue;
            }
            json.append(first ? "" : ",")
                    .append('[')
                    .append((long) point[0])
                    .append(',')
                    .append(number(point[column]))
                    .append(']');
            first = false;
        }
    }

    /** Full precision (Java's shortest round-trip form), so a reader of the report gets the committed doubles. */
    private static String number(double value) {
        return Double.isFinite(value) ? Double.toString(value) : "null";
    }

    static String string(String text) {
        StringBuilder s = new StringBuilder(text.length() + 2).append('"');
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> s.append("\\\"");
                case '\\' -> s.append("\\\\");
                case '\n' -> s.append("\\n");
                case '<' -> s.append("\\u003c"); // never closes the report's <script> element
                default -> {
                    if (c < 0x20) {
                        s.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        s.append(c);
                    }
                }
            }
        }
        return s.append('"').toString();
    }
}
