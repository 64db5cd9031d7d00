package io.dpbalance.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ReportCommandTest {

    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = ReportCommand.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void writesTableHtmlAndCsv() throws IOException {
        List<Path> inputs = Fixtures.writeAll(dir);
        Path html = dir.resolve("r.html");
        Path csv = dir.resolve("r.csv");

        Run run = run(
                "--input-files",
                inputs.stream().map(Path::toString).collect(Collectors.joining(",")),
                "--out",
                html.toString(),
                "--csv",
                csv.toString(),
                "--window",
                "2026-01-01T00:00:05Z",
                "--title",
                "T");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("cluster c1:")
                .contains("simulate --json rows")
                .contains("HTML report: " + html)
                .contains("CSV: " + csv);
        assertThat(Files.readString(html)).contains("\"windowIndex\":0");
        assertThat(Files.readAllLines(csv)).hasSize(1 + 3 + 6);
    }

    @Test
    void badInputExitsTwoNamingIt() throws IOException {
        Path bad = dir.resolve("bad.txt");
        Files.writeString(bad, "hello\n");

        Run run = run(
                "--input-files", bad.toString(), "--out", dir.resolve("r.html").toString());

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).startsWith("dpbalance report: " + bad + ": not a report input");
    }

    @Test
    void badWindowExitsTwo() throws IOException {
        Run run = run("--input-files", Fixtures.writeAll(dir).get(0).toString(), "--window", "soon");

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("--window soon: expected a window index, epoch milliseconds or an instant");
    }

    @Test
    void sourceIsRequiredAndExclusive() {
        assertThat(run().exit()).isEqualTo(2);
        Run both = run("--bootstrap", "127.0.0.1:1", "--input-files", "x");
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.err()).contains("mutually exclusive");
    }

    @Test
    void helpExplainsEveryFlag() {
        Run help = run("--help");

        assertThat(help.exit()).isZero();
        for (String flag : List.of(
                "--bootstrap",
                "--input-files",
                "--topic-prefix",
                "--timeout",
                "--out",
                "--csv",
                "--window",
                "--cluster",
                "--title")) {
            assertThat(help.out()).contains(flag);
        }
    }
}
