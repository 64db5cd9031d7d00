package io.dpbalance.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * The demo's page (one HTML file with its script) and the ECharts library from its webjar: served live, or made into
 * one self-contained report file with the library and the data inside.
 */
final class Page {

    private static final String WEBJAR = "META-INF/resources/webjars/echarts/";

    private Page() {
    }

    /** The live page: loads ECharts from this server and polls {@code /api/state}. */
    static String live() {
        return template().replace("<!--ECHARTS-->", "<script src=\"/echarts.min.js\"></script>")
                .replace("/*DATA*/", "");
    }

    /** A page that needs nothing but itself: ECharts inlined, the state as a constant. */
    static String report(DemoState state) {
        String echarts = new String(echartsMinJs(), StandardCharsets.UTF_8).replace("</script", "<\\/script");
        return template().replace("/*DATA*/", dataLine(state.toJson()))
                .replace("<!--ECHARTS-->", "<script>" + echarts + "</script>");
    }

    /** The report's line that holds its data. */
    static String dataLine(String stateJson) {
        return "const STATIC_STATE = " + stateJson + ";";
    }

    /** The minified ECharts of the webjar on the classpath. */
    static byte[] echartsMinJs() {
        return resource(WEBJAR + echartsVersion() + "/dist/echarts.min.js");
    }

    static String echartsVersion() {
        Properties pom = new Properties();
        try (InputStream in = Page.class.getClassLoader()
                .getResourceAsStream("META-INF/maven/org.webjars.npm/echarts/pom.properties")) {
            if (in == null) {
                throw new IllegalStateException("the ECharts webjar (org.webjars.npm:echarts) is not on the classpath");
            }
            pom.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return pom.getProperty("version");
    }

    private static String template() {
        return new String(resource("io/dpbalance/demo/page.html"), StandardCharsets.UTF_8);
    }

    private static byte[] resource(String name) {
        try (InputStream in = Page.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read resource " + name, e);
        }
    }
}
