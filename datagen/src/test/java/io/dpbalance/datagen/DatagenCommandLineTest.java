package io.dpbalance.datagen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.dpbalance.schemas.RequestArrival;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** The datagen subcommands' help and their errors on bad input; none of these needs a broker. */
class DatagenCommandLineTest {

    private static final String SPEC = "n=20;arrival=poisson:rate=10;prompt=constant:value=50;output=constant:value=5";

    @Test
    void helpExplainsEveryFlagOfEverySubcommand() {
        assertThat(CommandRun.of("datagen", "--help").out()).contains("replay", "decode-log", "synth");
        CommandLine datagen = Main.commandLine().getSubcommands().get("datagen");
        for (String name : List.of("replay", "decode-log", "synth", "tail")) {
            CommandRun help = CommandRun.of("datagen", name, "--help");
            assertThat(help.exit()).isZero();
            for (OptionSpec option :
                    datagen.getSubcommands().get(name).getCommandSpec().options()) {
                assertThat(help.out()).as("datagen %s --help", name).contains(option.longestName());
                assertThat(String.join(" ", option.description()))
                        .as("description of %s %s", name, option.longestName())
                        .isNotBlank();
            }
        }
    }

    @Test
    void missingWorkloadFileIsNamed(@TempDir Path dir) {
        CommandRun r =
                CommandRun.of("datagen", "decode-log", "--workload", "/nonexistent/trace.csv", "--out", dir.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--workload /nonexistent/trace.csv: no such file");
    }

    @Test
    void decodeLogNeedsExactlyOneWorkload(@TempDir Path dir) throws IOException {
        Path trace = ArrivalCommandsTest.azureTrace(dir);
        assertThat(CommandRun.of(
                                "datagen",
                                "decode-log",
                                "--workload",
                                trace.toString(),
                                "--synthetic",
                                SPEC,
                                "--out",
                                dir.toString())
                        .err())
                .contains("--workload FILE or --synthetic SPEC");
    }

    @Test
    void replayWithoutWorkloadReadsTheShippedTrace(@TempDir Path dir) throws IOException {
        // Tests run in the module's folder: the default is found in data/azure-llm-2023 of the project root above.
        Path out = dir.resolve("out");
        CommandRun run = CommandRun.of("datagen", "replay", "--limit", "2", "--clusters", "1", "--out", out.toString());
        assertThat(run.exit()).as(run.err()).isZero();
        List<RequestArrival> records = OutputFiles.readAvro(out.resolve("dp.requests.avro"), RequestArrival.class);
        assertThat(records)
                .extracting(RequestArrival::getPromptTokens, RequestArrival::getOutputTokens)
                .containsExactly(tuple(374L, 44L), tuple(396L, 109L));
    }

    @Test
    void badFlagValuesAreNamed(@TempDir Path dir) {
        String out = dir.toString();
        assertThat(error("decode-log", "--synthetic", SPEC, "--ranks", "0", "--out", out))
                .contains("--ranks");
        assertThat(error("decode-log", "--synthetic", SPEC, "--jitter", "1.5", "--out", out))
                .contains("--jitter must be in [0, 1), not 1.5");
        assertThat(error("decode-log", "--synthetic", SPEC, "--granularity", "tokens", "--out", out))
                .contains("--granularity: 'tokens' is not one of token, rank, both");
        assertThat(error("decode-log", "--synthetic", SPEC, "--policy", "best", "--out", out))
                .contains("--policy best", "unknown policy 'best'", "vllm");
        assertThat(error("decode-log", "--synthetic", SPEC, "--cost-model", "linear", "--out", out))
                .contains("--cost-model: unknown cost model 'linear'");
        assertThat(error("decode-log", "--synthetic", "n=5;prompt=constant:value=5", "--out", out))
                .contains("--synthetic:", "output");
        assertThat(error("synth", "--synthetic", SPEC, "--time-scale", "0", "--out", out))
                .contains("--time-scale must be a finite number > 0, not 0.0");
        assertThat(error("synth", "--synthetic", SPEC, "--clusters", "0", "--out", out))
                .contains("--clusters must be at least 1, not 0");
        assertThat(error("synth", "--synthetic", SPEC, "--start-time", "yesterday", "--out", out))
                .contains("--start-time: 'yesterday' is neither an ISO-8601 instant");
        assertThat(error("replay", "--workload", "x.csv", "--format", "parquet", "--out", out))
                .contains("--workload x.csv: no such file");
    }

    @Test
    void filesAndKafkaFlagsDoNotMix(@TempDir Path dir) {
        assertThat(error("synth", "--synthetic", SPEC, "--out", dir.toString(), "--bootstrap", "127.0.0.1:9092"))
                .contains("--out writes files, while --bootstrap, --command-config and --producer-property are for "
                        + "Kafka");
        assertThat(error("synth", "--synthetic", SPEC, "--out", dir.toString(), "--producer-property", "linger.ms=5"))
                .contains("give one or the other");
    }

    @Test
    void unknownFormatIsNamed(@TempDir Path dir) throws IOException {
        Path trace = ArrivalCommandsTest.azureTrace(dir);
        assertThat(error("replay", "--workload", trace.toString(), "--format", "parquet", "--out", dir.toString()))
                .contains("--format: unknown workload format 'parquet'", "auto|azure|mooncake|burstgpt|lengths");
    }

    @Test
    void outDirectoryThatIsAFileIsNamed(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("taken"), "x");
        assertThat(error("synth", "--synthetic", SPEC, "--out", file.toString()))
                .contains("--out " + file);
    }

    private static String error(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "datagen";
        System.arraycopy(args, 0, all, 1, args.length);
        CommandRun r = CommandRun.of(all);
        assertThat(r.exit())
                .as("exit of %s (stderr: %s)", String.join(" ", all), r.err())
                .isEqualTo(2);
        return r.err();
    }
}
