package io.dpbalance.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpbalance.engine.trace.ShippedTrace;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The README's Quick start table is what {@code bin/dpbalance simulate} prints now. The table is the first fenced
 * block after the line holding {@value #HEADING}: a title line, a header line of column names, then one row per
 * policy, columns separated by spaces. Every column is compared except the machine-dependent ones
 * ({@link #TIMED_COLUMNS}); the title and the header are compared whole.
 */
class ReadmeQuickStartTest {

    static final String HEADING = "What `bin/dpbalance simulate` prints";
    static final Set<String> TIMED_COLUMNS = Set.of("dec_p50_us", "dec_p99_us", "wall_ms");

    @Test
    void quickStartTableEqualsAFreshRunOnEveryDeterministicColumn() throws IOException {
        List<String> readme = quickStartBlock(readme());
        List<String> printed = simulateWithDefaults();

        assertThat(printed).as("lines printed by `simulate`").hasSize(readme.size());
        assertThat(printed.get(0)).as("title line").isEqualTo(readme.get(0));
        assertThat(printed.get(1)).as("header line").isEqualTo(readme.get(1));
        List<String> columns = Arrays.asList(readme.get(1).trim().split("\\s+"));
        for (int row = 2; row < readme.size(); row++) {
            assertThat(deterministic(columns, printed.get(row)))
                    .as("README row %d vs a fresh run (columns %s)", row - 1, columns)
                    .isEqualTo(deterministic(columns, readme.get(row)));
        }
    }

    /** The simulator with no options, as the README's Quick start runs it, its output as lines. */
    private static List<String> simulateWithDefaults() {
        CommandLine cli = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute("simulate")).as(err.toString()).isZero();
        return out.toString().lines().filter(line -> !line.isBlank()).toList();
    }

    private static List<String> deterministic(List<String> columns, String row) {
        String[] cells = row.trim().split("\\s+");
        assertThat(cells).as("cells of row: %s", row).hasSize(columns.size());
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < cells.length; i++) {
            if (!TIMED_COLUMNS.contains(columns.get(i))) {
                kept.add(columns.get(i) + "=" + cells[i]);
            }
        }
        return kept;
    }

    private static List<String> readme() throws IOException {
        // The shipped trace is <root>/data/azure-llm-2023/<file>; README.md sits at the root.
        Path root = ShippedTrace.find()
                .orElseThrow(() -> new IllegalStateException(ShippedTrace.missingHint()))
                .getParent()
                .getParent()
                .getParent();
        return Files.readAllLines(root.resolve("README.md"));
    }

    static List<String> quickStartBlock(List<String> readme) {
        int heading = -1;
        for (int i = 0; i < readme.size() && heading < 0; i++) {
            if (readme.get(i).contains(HEADING)) {
                heading = i;
            }
        }
        assertThat(heading).as("README.md line containing \"%s\"", HEADING).isNotNegative();
        int open = heading + 1;
        while (open < readme.size() && !readme.get(open).startsWith("```")) {
            open++;
        }
        int close = open + 1;
        while (close < readme.size() && !readme.get(close).startsWith("```")) {
            close++;
        }
        assertThat(close)
                .as("a fenced block after \"%s\" in README.md", HEADING)
                .isLessThan(readme.size());
        List<String> block = readme.subList(open + 1, close).stream()
                .filter(line -> !line.isBlank())
                .toList();
        assertThat(block).as("title, header and at least one policy row").hasSizeGreaterThanOrEqualTo(3);
        return block;
    }
}
