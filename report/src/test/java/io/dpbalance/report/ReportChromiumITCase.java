package io.dpbalance.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens the HTML report in headless Chromium (Debian's {@code chromium}): the DOM after the scripts ran must hold a
 * rendered SVG chart in every section with the expected series names, and a screenshot must show something inside
 * each chart's box. Without chromium the test is skipped on a developer machine but fails in CI ({@code CI=true}).
 */
class ReportChromiumITCase {

    private static final int WIDTH = 1400;

    private static String chromium;

    @TempDir
    Path dir;

    @BeforeAll
    static void findChromium() {
        String configured = System.getenv("CHROMIUM");
        for (String candidate : new String[] {configured, "/usr/bin/chromium", "/usr/bin/chromium-browser"}) {
            if (candidate != null && new File(candidate).canExecute()) {
                chromium = candidate;
                return;
            }
        }
        String message = "no chromium (looked at $CHROMIUM, /usr/bin/chromium, /usr/bin/chromium-browser); install it "
                + "with `apt-get install -y --no-install-recommends chromium`";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(message + " (CI=true: the browser test must run in CI)");
        }
        Assumptions.abort(message);
    }

    @Test
    void everySectionRendersItsChartsWithTheSeriesNames() throws Exception {
        Path html = dir.resolve("report.html");
        HtmlReport.write(
                ReportData.fromFiles(Fixtures.writeAll(dir.resolve("in"))),
                html,
                ReportOptions.defaults().withTitle("chromium check"));

        String dom = run(List.of("--dump-dom", html.toUri().toString()), dir.resolve("profile-dom"));

        assertThat(attribute(dom, "data-rendered")).as("charts drawn").isEqualTo("6");
        Map<String, String> sections = sections(dom);
        assertThat(sections.keySet())
                .containsExactly("summary", "idle", "cdf", "energy", "heatmap", "latency", "sweep");
        for (String id : List.of("idle", "cdf", "energy", "heatmap", "latency", "sweep")) {
            assertThat(sections.get(id)).as(id).contains("<svg").doesNotContain("no data in the inputs");
        }
        assertThat(texts(sections.get("idle"))).contains("observed", "vllm");
        assertThat(texts(sections.get("cdf"))).contains("observed", "bfio");
        assertThat(texts(sections.get("energy"))).contains("observed", "vllm", "bfio", "0.500", "2.000");
        assertThat(texts(sections.get("heatmap"))).contains("rank 0", "rank 3", "KV tokens");
        assertThat(texts(sections.get("latency")))
                .contains("queue wait p99", "e2e p50", "vllm", "bfio:h=0,lookahead=oracle");
        assertThat(texts(sections.get("sweep"))).contains("4.00", "3.00");
        assertThat(sections.get("summary"))
                .contains("<td>observed</td>")
                .contains(">0.2000<")
                .contains(">15.0<");

        int height = Integer.parseInt(attribute(dom, "data-page-height"));
        Path png = dir.resolve("report.png");
        run(
                List.of(
                        "--window-size=" + WIDTH + "," + height,
                        "--screenshot=" + png,
                        html.toUri().toString()),
                dir.resolve("profile-shot"));
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image).as("screenshot " + png).isNotNull();
        List<int[]> boxes = boxes(dom);
        assertThat(boxes).hasSize(6);
        for (int[] box : boxes) {
            Coverage c = coverage(image, box);
            assertThat(c.inkFraction)
                    .as("share of non-white pixels in chart box %s", List.of(box[0], box[1], box[2], box[3]))
                    .isGreaterThan(0.02);
            assertThat(c.colours).as("distinct colours in chart box").isGreaterThan(8);
        }
    }

    @Test
    void sectionsWithoutDataSaySo() throws Exception {
        Path html = dir.resolve("empty.html");
        HtmlReport.write(ReportData.empty(), html, ReportOptions.defaults());

        String dom = run(List.of("--dump-dom", html.toUri().toString()), dir.resolve("profile-empty"));

        assertThat(attribute(dom, "data-rendered")).isEqualTo("0");
        Map<String, String> sections = sections(dom);
        for (String id : List.of("summary", "idle", "cdf", "energy", "heatmap", "latency", "sweep")) {
            assertThat(sections.get(id)).as(id).contains("no data in the inputs");
        }
    }

    /** Runs chromium headless on a fresh profile; returns its standard output. */
    private static String run(List<String> args, Path profile) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                "--force-device-scale-factor=1",
                "--virtual-time-budget=5000",
                "--user-data-dir=" + profile));
        command.addAll(args);
        Path stdout = profile.resolveSibling(profile.getFileName() + ".out");
        Path stderr = profile.resolveSibling(profile.getFileName() + ".err");
        Process process = new ProcessBuilder(command)
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile())
                .start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("chromium did not finish in 120 s: " + command);
        }
        assertThat(process.exitValue())
                .as("chromium exit; stderr: %s", Files.readString(stderr))
                .isZero();
        return Files.readString(stdout, StandardCharsets.UTF_8);
    }

    private static String attribute(String dom, String name) {
        Matcher m = Pattern.compile(name + "=\"([^\"]*)\"").matcher(dom);
        assertThat(m.find()).as("attribute %s in the rendered DOM", name).isTrue();
        return m.group(1);
    }

    /** The markup of each {@code <section id="section-X">}, by X. */
    private static Map<String, String> sections(String dom) {
        Map<String, String> sections = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?s)<section class=\"card\" id=\"section-([a-z]+)\">(.*?)</section>")
                .matcher(dom);
        while (m.find()) {
            sections.put(m.group(1), m.group(2));
        }
        return sections;
    }

    /** The text of the SVG text elements. */
    private static Set<String> texts(String markup) {
        Set<String> texts = new HashSet<>();
        Matcher m = Pattern.compile("(?s)<text[^>]*>([^<]*)</text>").matcher(markup);
        while (m.find()) {
            texts.add(m.group(1).replace("&amp;", "&").trim());
        }
        return texts;
    }

    private static List<int[]> boxes(String dom) {
        List<int[]> boxes = new ArrayList<>();
        Matcher m = Pattern.compile("data-box=\"(\\d+),(\\d+),(\\d+),(\\d+)\"").matcher(dom);
        while (m.find()) {
            boxes.add(new int[] {
                Integer.parseInt(m.group(1)),
                Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3)),
                Integer.parseInt(m.group(4))
            });
        }
        return boxes;
    }

    private record Coverage(double inkFraction, int colours) {}

    private static Coverage coverage(BufferedImage image, int[] box) {
        int x0 = box[0];
        int y0 = box[1];
        int x1 = Math.min(image.getWidth(), box[0] + box[2]);
        int y1 = Math.min(image.getHeight(), box[1] + box[3]);
        assertThat(x1 > x0 && y1 > y0).as("chart box inside the screenshot").isTrue();
        long ink = 0;
        Set<Integer> colours = new HashSet<>();
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                int rgb = image.getRGB(x, y) & 0xffffff;
                colours.add(rgb);
                int r = rgb >> 16 & 0xff;
                int g = rgb >> 8 & 0xff;
                int b = rgb & 0xff;
                if (r < 235 || g < 235 || b < 235) {
                    ink++;
                }
            }
        }
        return new Coverage((double) ink / ((long) (x1 - x0) * (y1 - y0)), colours.size());
    }
}
