package io.dpbalance.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Writes the report as one self-contained HTML file: Apache ECharts (from its webjar on the classpath), the chart
 * script and the data (one JSON blob) are inlined, so the file opens without a network.
 */
public final class HtmlReport {

    /** Where the ECharts webjar keeps the minified library. */
    static final String ECHARTS_RESOURCE = "META-INF/resources/webjars/echarts/5.3.1/dist/echarts.min.js";

    static final String CHARTS_RESOURCE = "io/dpbalance/report/dpbalance-charts.js";
    static final String CSS_RESOURCE = "io/dpbalance/report/report.css";
    /** The id of the {@code <script type="application/json">} element that holds the data. */
    public static final String DATA_ELEMENT_ID = "dpbalance-data";

    private static final Pattern SCRIPT_END = Pattern.compile("</(script)", Pattern.CASE_INSENSITIVE);

    private HtmlReport() {}

    /**
     * Writes the report of {@code data} to {@code out} (parent directories are created, an existing file replaced).
     *
     * @throws IllegalArgumentException when {@code options} name a cluster or window that is not in the data
     */
    public static void write(ReportData data, Path out, ReportOptions options) throws IOException {
        String html = render(data, options);
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(out, html, StandardCharsets.UTF_8);
    }

    /** The report's HTML text. */
    public static String render(ReportData data, ReportOptions options) {
        String json = ChartData.toJson(data, options);
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                + "<title>" + escapeHtml(options.title()) + "</title>\n"
                + "<style>\n" + css() + "</style>\n"
                + "<script>\n" + inlineScript(echartsScript()) + "\n</script>\n"
                + "<script>\n" + inlineScript(chartsScript()) + "\n</script>\n"
                + "</head>\n<body>\n<div id=\"report\"></div>\n"
                + "<script type=\"application/json\" id=\"" + DATA_ELEMENT_ID + "\">" + inlineScript(json)
                + "</script>\n"
                + "<script>\nDpbalanceCharts.render(JSON.parse(document.getElementById('" + DATA_ELEMENT_ID
                + "').textContent), document.getElementById('report'));\n</script>\n"
                + "</body>\n</html>\n";
    }

    /** Apache ECharts 5.3.1, minified (Apache License 2.0), as the webjar ships it. */
    public static String echartsScript() {
        return resource(ECHARTS_RESOURCE);
    }

    /**
     * The script that draws the report's sections from {@link ChartData}'s JSON:
     * {@code DpbalanceCharts.render(data, element)}; needs {@link #echartsScript()} loaded first.
     */
    public static String chartsScript() {
        return resource(CHARTS_RESOURCE);
    }

    /** The report's style sheet. */
    public static String css() {
        return resource(CSS_RESOURCE);
    }

    private static String resource(String name) {
        try (InputStream in = HtmlReport.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(
                        name + " is not on the classpath (the report module's resources, or the "
                                + "org.webjars.npm:echarts jar)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name, e);
        }
    }

    /**
     * Text inside a script element must not end it early ({@code </script}) nor switch the HTML parser into its
     * escaped script state ({@code <!--}). In both JSON strings and the scripts' string literals {@code <\/} reads
     * as {@code </} and {@code \u003c} as {@code <}.
     */
    static String inlineScript(String text) {
        return SCRIPT_END.matcher(text.replace("<!--", "\\u003c!--")).replaceAll("<\\\\/$1");
    }

    static String escapeHtml(String text) {
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;");
    }
}
