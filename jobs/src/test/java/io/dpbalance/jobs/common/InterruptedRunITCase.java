package io.dpbalance.jobs.common;

import static io.dpbalance.jobs.testing.DatagenRun.datagen;
import static org.assertj.core.api.Assertions.assertThat;

import io.dpbalance.jobs.analytics.TraceAnalyticsJob;
import io.dpbalance.jobs.testing.KafkaBrokerExtension;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * An embedded run stopped by SIGTERM (what Ctrl-C's SIGINT also triggers), as a user runs it: a JVM of its own with the
 * launcher's log configuration. The run must stop the job with a savepoint, which commits the exactly-once sinks' open
 * transactions, and print per output topic a count equal to what a read_committed reader finds; Flink's and Kafka's
 * logging must go to the log file, leaving stderr empty.
 */
class InterruptedRunITCase {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final Duration TIMEOUT = Duration.ofMinutes(3);
    /** The flags bin/dpbalance gives a Flink job's JVM on Java 17. */
    private static final List<String> OPENS = List.of(
            "java.lang",
            "java.net",
            "java.io",
            "java.nio",
            "sun.nio.ch",
            "java.lang.reflect",
            "java.text",
            "java.time",
            "java.util",
            "java.util.concurrent",
            "java.util.concurrent.atomic",
            "java.util.concurrent.locks");

    @TempDir
    Path dir;

    @Test
    void sigtermStopsWithASavepointAndReportsTheCommittedRecords() throws Exception {
        String in = "int.";
        String out = "int.out.";
        KAFKA.createTopics(2, in + "dp.token-events", in + "dp.rank-steps", in + "dp.requests");
        KAFKA.createTopics(2, out + "dp.step-metrics", out + "dp.window-metrics", out + "dp.dead-letter");
        datagen(
                "datagen",
                "decode-log",
                "--synthetic",
                "n=200;arrival=poisson:rate=30;prompt=lognormal:mean=300,sigma=1,max=3000;output=geometric:mean=40;seed=5",
                "--ranks",
                "4",
                "--batch",
                "8",
                "--granularity",
                "rank",
                "--clusters",
                "2",
                "--topic-prefix",
                in,
                "--as-fast-as-possible",
                "--bootstrap",
                KAFKA.bootstrapServers());

        Path log = dir.resolve("run.log");
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        OPENS.forEach(p -> command.add("--add-opens=java.base/" + p + "=ALL-UNNAMED"));
        command.addAll(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                "-Dlog4j.configurationFile="
                        + Path.of("..", "conf", "log4j2-embedded.properties").toAbsolutePath(),
                "-Ddpbalance.log.file=" + log,
                TraceAnalyticsJob.class.getName(),
                "--bootstrap",
                KAFKA.bootstrapServers(),
                "--inputs",
                "rank-steps",
                "--rank-steps-topic",
                in + "dp.rank-steps",
                "--step-metrics-topic",
                out + "dp.step-metrics",
                "--window-metrics-topic",
                out + "dp.window-metrics",
                "--dead-letter-topic",
                out + "dp.dead-letter",
                "--starting-offsets",
                "earliest",
                "--idleness",
                "1s",
                "--delivery-guarantee",
                "exactly-once",
                "--checkpoint-interval",
                "1s",
                "--parallelism",
                "2",
                "--checkpoint-dir",
                dir.resolve("checkpoints").toUri().toString()));
        Process job = new ProcessBuilder(command).directory(dir.toFile()).start();
        List<String> lines = new ArrayList<>();
        CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> readAll(job));
        try (BufferedReader stdout =
                new BufferedReader(new InputStreamReader(job.getInputStream(), StandardCharsets.UTF_8))) {
            String first = stdout.readLine();
            assertThat(first).as("start line").startsWith("analytics: reading " + in + "dp.rank-steps from Kafka");
            lines.add(first);
            // Unbounded: the job runs until stopped. Stop it once it has committed output (a condition, not a time).
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (KAFKA.readCommitted(out + "dp.step-metrics").isEmpty()) {
                assertThat(job.isAlive())
                        .as("job alive; stderr: %s", stderr.getNow(""))
                        .isTrue();
                assertThat(System.nanoTime())
                        .as("committed step metrics within %s", TIMEOUT)
                        .isLessThan(deadline);
                Thread.sleep(200);
            }
            job.toHandle().destroy(); // SIGTERM (Process.destroy would also close the pipes we read)
            for (String line = stdout.readLine(); line != null; line = stdout.readLine()) {
                lines.add(line);
            }
        }
        assertThat(job.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                .as("the run ends after SIGTERM")
                .isTrue();
        String printed = String.join("\n", lines);
        assertThat(printed).contains("analytics: stopped on interrupt with savepoint ", "output up to it committed");
        Matcher steps = Pattern.compile(
                        "\\s+" + Pattern.quote(out + "dp.step-metrics") + "\\s+([\\d,]+) records committed")
                .matcher(printed);
        assertThat(steps.find())
                .as("summary line of the step metrics in:\n%s", printed)
                .isTrue();
        long reported = Long.parseLong(steps.group(1).replace(",", ""));
        assertThat(reported)
                .as("printed count == read_committed count")
                .isEqualTo(KAFKA.readCommitted(out + "dp.step-metrics").size())
                .isPositive();
        // The test classpath has two SLF4J providers (the broker's test kit brings slf4j-simple), which SLF4J itself
        // reports on stderr; bin/dpbalance's classpath has one. Nothing else may reach the terminal.
        assertThat(stderr.get(30, TimeUnit.SECONDS).lines().filter(line -> !line.startsWith("SLF4J(")))
                .as("terminal (stderr)")
                .isEmpty();
        assertThat(Files.readString(log)).as("log file").contains("INFO");
    }

    private static String readAll(Process process) {
        try {
            return new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
