package io.dpbalance.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReportTest {

    @TempDir
    Path dir;

    @Test
    void oneSelfContainedFileWithLibraryScriptAndData() throws IOException {
        ReportData data = ReportData.fromFiles(Fixtures.writeAll(dir));
        Path out = dir.resolve("sub/report.html");

        HtmlReport.write(data, out, ReportOptions.defaults().withTitle("fixture </script> & <b>"));

        String html = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(html).contains("<title>fixture &lt;/script&gt; &amp; &lt;b&gt;</title>");
        // the page is ~1 MB: check without letting AssertJ print it
        String markup = html.replaceAll("(?s)(<script[^>]*>).*?</script>", "$1</script>");
        assertThat(markup)
                .doesNotContain("src=")
                .doesNotContain("href=")
                .contains("<script>")
                .hasSizeLessThan(2000);
        assertThat(html.contains("Licensed to the Apache Software Foundation"))
                .as("ECharts inlined")
                .isTrue();
        assertThat(html.contains("global.DpbalanceCharts"))
                .as("chart script inlined")
                .isTrue();
        assertThat(html.length()).isGreaterThan(1_000_000); // echarts.min.js is ~1 MB
        Matcher blob = Pattern.compile(
                        "<script type=\"application/json\" id=\"dpbalance-data\">(.*?)</script>", Pattern.DOTALL)
                .matcher(html);
        assertThat(blob.find()).isTrue();
        JsonNode json = new ObjectMapper().readTree(blob.group(1));
        assertThat(json.get("title").asText()).isEqualTo("fixture </script> & <b>");
        assertThat(json.get("summary")).hasSize(3);
        assertThat(json.get("counts").get("RankStep").asInt()).isEqualTo(12);
    }

    @Test
    void scriptTextCannotCloseItsElement() {
        assertThat(HtmlReport.inlineScript("a</script>b</SCRIPT>c<!--d"))
                .isEqualTo("a<\\/script>b<\\/SCRIPT>c\\u003c!--d");
    }

    @Test
    void librariesAreOnTheClasspathForALivePage() {
        assertThat(HtmlReport.echartsScript().length()).isGreaterThan(900_000);
        assertThat(HtmlReport.echartsScript().contains("echarts")).isTrue();
        assertThat(HtmlReport.chartsScript()).contains("global.DpbalanceCharts = {render: render}");
        assertThat(HtmlReport.css()).contains(".chart");
    }
}
