package io.dpbalance.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

class CliTest {

    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        CommandLine cli = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private static Path lengths(Path dir) throws IOException {
        StringBuilder sb = new StringBuilder("{\"data\": [");
        for (int i = 0; i < 400; i++) {
            sb.append(i == 0 ? "" : ",")
                    .append(String.format(
                            "{\"input_length\": %d, \"output_length\": %d}", 50 + (i * 97) % 2000, 3 + (i * 31) % 90));
        }
        return Files.writeString(dir.resolve("lengths.json"), sb.append("]}"));
    }

    @Test
    void helpExplainsEveryFlagOfEveryCommand() {
        for (String command : List.of("simulate", "sweep")) {
            Run help = run(command, "--help");
            assertThat(help.exit()).isZero();
            CommandLine.Model.CommandSpec spec =
                    Main.commandLine().getSubcommands().get(command).getCommandSpec();
            for (OptionSpec option : spec.options()) {
                assertThat(help.out()).as("%s --help", command).contains(option.longestName());
                assertThat(String.join(" ", option.description()))
                        .as("description of %s", option.longestName())
                        .isNotBlank();
            }
            assertThat(help.out()).contains("bfio", "least-tokens", "trtllm", "vllm");
        }
    }

    @Test
    void jsonPrintsOneObjectPerPolicyWithEverySpecField(@TempDir Path dir) throws IOException {
        Run r = run(
                "simulate",
                "--workload",
                lengths(dir).toString(),
                "--ranks",
                "4",
                "--batch",
                "8",
                "--policies",
                "fcfs,bfio:h=5",
                "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).startsWith("{\"policy\": \"fcfs\"");
        assertThat(lines.get(1)).contains("\"policy\": \"bfio:h=5,lookahead=oracle\"");
        for (String field : List.of(
                "policy",
                "avg_imbalance",
                "avg_idle_fraction",
                "throughput_tokens_per_s",
                "energy_joules",
                "tokens_per_joule",
                "mean_tpot_s",
                "steps",
                "averaged_steps",
                "decisions",
                "decision_p50_us",
                "decision_p99_us",
                "wall_ms")) {
            assertThat(lines).allSatisfy(line -> assertThat(line).contains("\"" + field + "\": "));
        }
    }

    @Test
    void tablePrintsAHeaderAndARowPerPolicy(@TempDir Path dir) throws IOException {
        Run r = run(
                "simulate",
                "--workload",
                lengths(dir).toString(),
                "--ranks",
                "4",
                "--batch",
                "8",
                "--policies",
                "fcfs;least-requests;round-robin;trtllm;vllm");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("400 requests (lengths), pool mode, G=4, B=8, pool R=16");
        assertThat(r.out().lines().filter(l -> l.startsWith("policy"))).hasSize(1);
        assertThat(r.out().lines()).hasSize(7);
    }

    @Test
    void badInputGetsAClearErrorNamingWhatWasExpected(@TempDir Path dir) throws IOException {
        Run unknown = run("simulate", "--workload", lengths(dir).toString(), "--policies", "lpt");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown policy 'lpt'");

        Run missing = run("simulate", "--workload", dir.resolve("nope.csv").toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("nope.csv: no such file");

        Run untimed = run("simulate", "--workload", lengths(dir).toString(), "--mode", "arrival");
        assertThat(untimed.err()).contains("--mode arrival needs arrival times");

        Run badRanks = run("simulate", "--workload", lengths(dir).toString(), "--ranks", "0");
        assertThat(badRanks.err()).contains("ranks (G) must be >= 1");

        Path broken = Files.writeString(
                dir.resolve("broken.csv"),
                "TIMESTAMP,ContextTokens,GeneratedTokens\n"
                        + "2023-11-16 18:15:46.6805900,374,44\n2023-11-16 18:15:47.0,abc,5\n");
        Run malformed = run("simulate", "--workload", broken.toString());
        assertThat(malformed.exit()).isEqualTo(2);
        assertThat(malformed.err()).contains("broken.csv:3").contains("ContextTokens");

        Run skipped = run(
                "simulate",
                "--workload",
                broken.toString(),
                "--skip-invalid",
                "--policies",
                "fcfs",
                "--ranks",
                "1",
                "--batch",
                "1");
        assertThat(skipped.exit()).isZero();
        assertThat(skipped.err()).contains("skipped 1 rows");
    }

    @Test
    void sweepPrintsEachPolicysImbalanceAndTheRatioToTheFirst() {
        Run r = run(
                "sweep",
                "--synthetic",
                "n=3000;prompt=lognormal:mean=800,sigma=1;output=geometric:mean=40;seed=3",
                "--ranks",
                "2,4",
                "--batch",
                "4,8",
                "--policies",
                "fcfs,bfio:h=0");
        assertThat(r.exit()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(1)).contains("ranks", "batch", "fcfs", "bfio:h=0", "fcfs / bfio:h=0");
        assertThat(lines).hasSize(6);
        for (String row : lines.subList(2, 6)) {
            String[] cells = row.trim().split("\\s+");
            double fcfs = Double.parseDouble(cells[2]);
            double bfio = Double.parseDouble(cells[3]);
            assertThat(Double.parseDouble(cells[4]))
                    .isCloseTo(fcfs / bfio, org.assertj.core.api.Assertions.within(0.006));
        }
    }
}
