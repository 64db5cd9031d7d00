package io.dpbalance.datagen.generate;

import io.dpbalance.datagen.sink.RecordSink;
import io.dpbalance.datagen.sink.RecordTopic;
import io.dpbalance.datagen.sink.TopicCount;
import io.dpbalance.schemas.RankStep;
import io.dpbalance.schemas.RequestArrival;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import org.apache.avro.specific.SpecificRecord;

/**
 * A {@link RecordSink} that writes what {@link DecodeLog} generates as an SGLang scheduler log with DP attention
 * (docs/ingest.md): every {@code interval}-th step, one line per DP rank,
 * <pre>[YYYY-MM-DD HH:MM:SS DPr TPr] Decode batch, #running-req: n, #token: kv, token usage: u, cuda graph: True,
 * gen throughput (token/s): x, #queue-req: q</pre>
 * with {@code n} and {@code kv} the engine's loads of that step (the RankStep's running and kv_tokens), {@code u} =
 * kv / capacity, {@code x} the rank's tokens since its last line over the steps' time, and {@code q} the cluster's
 * waiting requests (arrived, not yet placed) written on every rank. Noise lines as a server interleaves them: a
 * {@code Prefill batch} line at each arrival and an HTTP access line at each completion. Times in UTC.
 */
public final class SglangLogWriter implements RecordSink {

    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final Path file;
    private final BufferedWriter out;
    private final int ranks;
    private final long interval;
    private final long kvCapacity;
    private final int[] running;
    private final long[] kv;
    private final long[] tokensSinceLine;
    private final long[] microsSinceLine;
    private long arrived;
    private long finished;
    private long lines;
    private long written;
    private boolean closed;

    /**
     * @param ranks      the cluster's DP ranks G (one cluster: this writer takes the records of one)
     * @param interval   decode_log_interval: a decode line per rank every this many steps
     * @param kvCapacity KV tokens per rank for the token usage fraction
     */
    public SglangLogWriter(Path file, int ranks, long interval, long kvCapacity) {
        if (interval < 1) {
            throw new IllegalArgumentException("--interval must be at least 1, not " + interval);
        }
        if (kvCapacity < 1) {
            throw new IllegalArgumentException("--kv-capacity must be positive, not " + kvCapacity);
        }
        this.file = file;
        this.ranks = ranks;
        this.interval = interval;
        this.kvCapacity = kvCapacity;
        this.running = new int[ranks];
        this.kv = new long[ranks];
        this.tokensSinceLine = new long[ranks];
        this.microsSinceLine = new long[ranks];
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            this.out = Files.newBufferedWriter(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("--out " + file + ": cannot write it: " + e.getMessage(), e);
        }
    }

    @Override
    public <T extends SpecificRecord> void write(RecordTopic<T> topic, byte[] key, T record) {
        written++;
        if (record instanceof RequestArrival request) {
            if (request.getRank() == null) {
                arrived++;
                line(
                        request.getArrivalTime(),
                        "DP0 TP0",
                        String.format(
                                Locale.ROOT,
                                "Prefill batch, #new-seq: 1, #new-token: %d, #cached-token: 0, token usage: %.2f, "
                                        + "#running-req: %d, #queue-req: %d",
                                request.getPromptTokens(),
                                (double) kv[0] / kvCapacity,
                                running[0],
                                waiting()));
            } else {
                finished++;
                line(
                        null,
                        null,
                        "INFO:     127.0.0.1:" + (40000 + request.getRank())
                                + " - \"POST /v1/chat/completions HTTP/1.1\" 200 OK");
            }
        } else if (record instanceof RankStep step) {
            int r = step.getRank();
            running[r] = step.getRunning();
            kv[r] = step.getKvTokens();
            tokensSinceLine[r] += step.getRunning();
            microsSinceLine[r] += step.getStepMicros() == null ? 0 : step.getStepMicros();
            lastStart = step.getStepStart();
            if (step.getStep() % interval == 0 && r == ranks - 1) {
                long queue = waiting();
                for (int g = 0; g < ranks; g++) {
                    double seconds = microsSinceLine[g] / 1e6;
                    line(
                            lastStart,
                            "DP" + g + " TP" + g,
                            String.format(
                                    Locale.ROOT,
                                    "Decode batch, #running-req: %d, #token: %d, token usage: %.2f, cuda graph: True, "
                                            + "gen throughput (token/s): %.2f, #queue-req: %d",
                                    running[g],
                                    kv[g],
                                    (double) kv[g] / kvCapacity,
                                    seconds > 0 ? tokensSinceLine[g] / seconds : 0.0,
                                    queue));
                    tokensSinceLine[g] = 0;
                    microsSinceLine[g] = 0;
                }
            }
        } else {
            throw new IllegalStateException("sglang-log writes no " + topic + " records");
        }
    }

    private Instant lastStart = Instant.EPOCH;

    /** Requests arrived and not yet placed: arrived - finished - running (the running ones as last logged). */
    private long waiting() {
        long placed = finished;
        for (int n : running) {
            placed += n;
        }
        return Math.max(0, arrived - placed);
    }

    /** One log line; a null time is the last step's, a null tag writes the HTTP server's prefix (no ranks). */
    private void line(Instant time, String tags, String message) {
        String stamp = STAMP.format(time == null ? lastStart : time);
        try {
            out.write('[');
            out.write(stamp);
            if (tags != null) {
                out.write(' ');
                out.write(tags);
            }
            out.write("] ");
            out.write(message);
            out.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
        lines++;
    }

    @Override
    public long written() {
        return written;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot finish " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<TopicCount> counts() {
        long bytes;
        try {
            bytes = Files.size(file);
        } catch (IOException e) {
            bytes = 0;
        }
        return List.of(new TopicCount(file.getFileName() + " (log lines)", lines, bytes));
    }

    @Override
    public String destination() {
        return file.toString();
    }
}
