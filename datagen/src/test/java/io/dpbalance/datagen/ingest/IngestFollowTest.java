package io.dpbalance.datagen.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpbalance.datagen.sink.FileRecordSink;
import io.dpbalance.schemas.DeadLetter;
import io.dpbalance.schemas.RankStep;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.specific.SpecificDatumReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ingest --follow} on a real file the test appends to: lines appended while it runs become records, a line is
 * read only once complete, a truncated and a replaced file are read again from their start, and stopping reads the
 * last unterminated line and closes cleanly.
 */
class IngestFollowTest {

    @TempDir
    Path dir;

    private static String line(int rank, int running, int kv) {
        return "[2026-03-17 17:35:07 DP" + rank + " TP" + rank + "] Decode batch, #running-req: " + running
                + ", #token: " + kv + ", token usage: 0.00, cuda graph: True, gen throughput (token/s): 1.00, "
                + "#queue-req: 0";
    }

    private static void append(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    @Test
    void appendedTruncatedAndReplacedFilesAreFollowed() throws Exception {
        Path log = dir.resolve("scheduler.log");
        append(log, line(0, 1, 10) + "\n" + "[2026-03-17 17:35:07] INFO: GET /health 200\n");
        Path out = dir.resolve("out");
        FileRecordSink sink = new FileRecordSink(out, "", Ingestor.topics());
        Ingestor ingestor = new Ingestor(
                "c",
                new SglangLogParser(new IngestSettings(ZoneOffset.UTC, null, null)),
                new StepNumbering(LogFormat.SGLANG_LOG, 40, 5),
                sink,
                Clock.fixed(Instant.parse("2026-03-17T18:00:00Z"), ZoneOffset.UTC));
        IngestRun run = new IngestRun(List.of(log), ingestor, true, 20);
        Thread thread = new Thread(run::run, "follow");
        thread.start();

        await(() -> ingestor.written() == 1, "the first line");
        String split = line(0, 3, 330);
        int cut = split.indexOf("#token: 33") + "#token: 33".length();
        append(log, line(1, 2, 20) + "\n" + split.substring(0, cut));
        await(() -> ingestor.written() == 2, "an appended line");
        append(
                log,
                split.substring(cut) + "\n" + "[2026-03-17 17:35:07 DP1 TP1] Decode batch, #running-req: 4, #tok\n");
        await(() -> ingestor.written() == 3 && ingestor.rejected().size() == 1, "a line completed by a later write");

        Files.writeString(log, line(0, 5, 50) + "\n"); // truncated and rewritten, shorter than before
        await(() -> ingestor.written() == 4, "the truncated file's line");

        Path next = dir.resolve("scheduler.log.new");
        Files.writeString(
                next,
                line(1, 6, 60) + "\n" + line(0, 7, 70) + "\n" + line(1, 8, 80) + "\n" + line(0, 9, 90) + "\n"
                        + line(1, 10, 100) + "\n" + line(0, 11, 110) + "\n" + line(1, 12, 120));
        Files.move(next, log, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        await(() -> ingestor.written() == 10, "the replacing file's complete lines");

        assertThat(run.stop(10_000)).isTrue();
        thread.join(10_000);
        sink.close();
        assertThat(ingestor.written())
                .as("stopping reads the last unterminated line")
                .isEqualTo(11);
        assertThat(ingestor.skipped()).containsEntry(LineResult.NOT_DECODE, 1L);
        assertThat(ingestor.rejected()).containsOnlyKeys("MISSING_FIELD");

        List<RankStep> steps = read(out.resolve("dp.rank-steps.avro"), RankStep.class);
        assertThat(steps)
                .extracting(RankStep::getKvTokens)
                .containsExactly(10L, 20L, 330L, 50L, 60L, 70L, 80L, 90L, 100L, 110L, 120L);
        assertThat(steps)
                .extracting(RankStep::getStep)
                .as("each rank's k-th line is step 40k, on across rotations")
                .containsExactly(40L, 40L, 80L, 120L, 80L, 160L, 120L, 200L, 160L, 240L, 200L);
        List<DeadLetter> dead = read(out.resolve("dp.dead-letter.avro"), DeadLetter.class);
        assertThat(dead).hasSize(1);
        DeadLetter d = dead.get(0);
        assertThat(d.getReason().toString()).isEqualTo("MISSING_FIELD: #token or #full token");
        assertThat(StandardCharsets.UTF_8.decode(d.getPayload()).toString())
                .isEqualTo("[2026-03-17 17:35:07 DP1 TP1] Decode batch, #running-req: 4, #tok");
        assertThat(d.getSourceTopic().toString()).isEqualTo(log.toString());
        assertThat(d.getOffset()).as("0-based line of the file").isEqualTo(4);
        assertThat(d.getPartition()).isEqualTo(-1);
    }

    /** An interrupt of the reading thread stops a following run as Ctrl-C does: the last lines are read. */
    @Test
    void anInterruptStopsAFollowingRunLikeStop() throws Exception {
        Path log = dir.resolve("interrupted.log");
        append(log, line(0, 1, 10) + "\n");
        FileRecordSink sink = new FileRecordSink(dir.resolve("out"), "", Ingestor.topics());
        Ingestor ingestor = new Ingestor(
                "c",
                new SglangLogParser(new IngestSettings(ZoneOffset.UTC, null, null)),
                new StepNumbering(LogFormat.SGLANG_LOG, 40, 5),
                sink,
                Clock.fixed(Instant.parse("2026-03-17T18:00:00Z"), ZoneOffset.UTC));
        IngestRun run = new IngestRun(List.of(log), ingestor, true, 20);
        boolean[] result = new boolean[2];
        Thread thread = new Thread(
                () -> {
                    result[0] = run.run();
                    result[1] = Thread.currentThread().isInterrupted();
                },
                "follow");
        thread.start();
        await(() -> ingestor.written() == 1, "the first line");
        append(log, line(1, 2, 20)); // no newline: read only when the run stops

        thread.interrupt();
        thread.join(10_000);

        assertThat(thread.isAlive()).isFalse();
        assertThat(result[0]).as("the interrupt is reported").isTrue();
        assertThat(result[1])
                .as("and cleared, so that the sink can still be closed")
                .isFalse();
        assertThat(ingestor.written()).as("the last unterminated line is read").isEqualTo(2);
        sink.close();
        assertThat(read(dir.resolve("out").resolve("dp.rank-steps.avro"), RankStep.class))
                .hasSize(2);
    }

    /** The command interrupted (as a caller running it in a thread stops it): it closes, prints and exits 0. */
    @Test
    void anInterruptedIngestCommandPrintsItsSummaryAndKeepsTheInterrupt() throws Exception {
        Path log = dir.resolve("command.log");
        append(log, line(0, 1, 10) + "\n" + line(1, 2, 20) + "\n");
        picocli.CommandLine cli = io.dpbalance.datagen.Main.commandLine();
        java.io.StringWriter out = new java.io.StringWriter();
        cli.setOut(new java.io.PrintWriter(out));
        int[] exit = {-1};
        boolean[] interrupted = {false};
        Thread thread = new Thread(
                () -> {
                    exit[0] = cli.execute(
                            "ingest",
                            "sglang-log",
                            log.toString(),
                            "--follow",
                            "--poll-millis",
                            "20",
                            "--out",
                            dir.resolve("command-out").toString());
                    interrupted[0] = Thread.currentThread().isInterrupted();
                },
                "ingest");
        thread.start();
        Path steps = dir.resolve("command-out").resolve("dp.rank-steps.avro");
        await(() -> Files.exists(steps), "the sink's files");
        Thread.sleep(200);
        thread.interrupt();
        thread.join(10_000);

        assertThat(thread.isAlive()).isFalse();
        assertThat(exit[0]).as(out.toString()).isZero();
        assertThat(interrupted[0]).as("the interrupt is the caller's again").isTrue();
        assertThat(out.toString()).contains("rank-steps written               2");
        assertThat(read(steps, RankStep.class))
                .extracting(RankStep::getSampledSteps)
                .containsExactly(40L, 40L);
    }

    private static <T> List<T> read(Path file, Class<T> type) throws IOException {
        List<T> records = new ArrayList<>();
        try (DataFileReader<T> reader = new DataFileReader<>(file.toFile(), new SpecificDatumReader<>(type))) {
            reader.forEach(records::add);
        }
        return records;
    }
}
