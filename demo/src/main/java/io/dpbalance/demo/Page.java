package io.dpbalance.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/** The demo's live page (one HTML file with its script) and the ECharts library from its webjar. */
final class Page {

    private static final String WEBJAR = "META-INF/resources/webjars/echarts/";

    private Page() {}

    /** The live page: loads ECharts from this server and polls {@code /api/state}. */
    static String live() {
        return template().replace("<!--ECHARTS-->", "<script src=\"/echarts.min.js\"></script>");
    }

    /** The minified ECharts of the webjar on the classpath. */
    static byte[] echartsMinJs() {
        return resource(WEBJAR + echartsVersion() + "/dist/echarts.min.js");
    }

    static String echartsVersion() {
        Properties pom = new Properties();
        try (InputStream in = Page.class
                .getClassLoader()
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
