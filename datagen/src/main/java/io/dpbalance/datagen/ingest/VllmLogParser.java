package io.dpbalance.datagen.ingest;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * vLLM's periodic stats line (docs/ingest.md), one per engine (= DP rank) every few seconds, e.g.
 * <pre>INFO 03-17 17:35:07 [loggers.py:123] Engine 001: Avg prompt throughput: 0.0 tokens/s, Avg generation
 * throughput: 412.3 tokens/s, Running: 12 reqs, Waiting: 0 reqs, GPU KV cache usage: 3.4%, Prefix cache hit rate: 0.0%</pre>
 * vLLM's stamp has no year: it is taken from {@link IngestSettings#date()}. No {@code Engine N:} tag means rank 0. The
 * KV load is the usage fraction times {@link IngestSettings#kvCapacity()} tokens (the line gives one decimal of a
 * percent, so the load is known to 0.05% of the capacity). Every other line is skipped as
 * {@link LineResult#NOT_DECODE}.
 */
public final class VllmLogParser implements LineParser {

    private static final Pattern STAMP = Pattern.compile("(?<!\\d)(\\d{2})-(\\d{2})[ T](\\d{2}):(\\d{2}):(\\d{2})");
    private static final Pattern ENGINE = Pattern.compile("Engine (\\d+):\\s*Avg prompt throughput");
    private static final Pattern RUNNING = Pattern.compile("Running: (\\S+) reqs");
    private static final Pattern USAGE = Pattern.compile("GPU KV cache usage: (\\S+?)%");

    private final IngestSettings settings;

    public VllmLogParser(IngestSettings settings) {
        if (settings.kvCapacity() == null) {
            throw new IllegalArgumentException("vllm-log gives only a KV-cache usage fraction: --kv-capacity "
                    + "(KV tokens per rank) is required");
        }
        this.settings = settings;
    }

    @Override
    public LineResult parse(String line) {
        int at = line.indexOf("Avg prompt throughput");
        if (at < 0) {
            return LineResult.skipped(LineResult.NOT_DECODE);
        }
        Matcher stamp = STAMP.matcher(line);
        if (!stamp.find() || stamp.start() > at) {
            return LineResult.rejected("BAD_PREFIX", "no MM-DD HH:MM:SS time stamp before the stats");
        }
        if (settings.date() == null) {
            return LineResult.rejected("NO_DATE", "vLLM's MM-DD stamps need --date for the year");
        }
        LocalDateTime time;
        try {
            time = LocalDateTime.of(
                    settings.date().getYear(),
                    Integer.parseInt(stamp.group(1)),
                    Integer.parseInt(stamp.group(2)),
                    Integer.parseInt(stamp.group(3)),
                    Integer.parseInt(stamp.group(4)),
                    Integer.parseInt(stamp.group(5)));
        } catch (DateTimeException e) {
            return LineResult.rejected("BAD_TIME", e.getMessage());
        }
        int rank = 0;
        Matcher engine = ENGINE.matcher(line);
        if (engine.find()) {
            try {
                rank = Integer.parseInt(engine.group(1));
            } catch (NumberFormatException e) {
                return LineResult.rejected("OUT_OF_RANGE", "Engine " + engine.group(1));
            }
        }
        Matcher running = RUNNING.matcher(line);
        if (!running.find()) {
            return LineResult.rejected("MISSING_FIELD", "Running");
        }
        int runningReqs;
        try {
            runningReqs = Integer.parseInt(running.group(1));
        } catch (NumberFormatException e) {
            return LineResult.rejected("BAD_NUMBER", "Running '" + running.group(1) + "'");
        }
        if (runningReqs < 0) {
            return LineResult.rejected("OUT_OF_RANGE", "Running " + runningReqs);
        }
        Matcher usage = USAGE.matcher(line);
        if (!usage.find()) {
            return LineResult.rejected("MISSING_FIELD", "GPU KV cache usage");
        }
        double percent;
        try {
            percent = Double.parseDouble(usage.group(1));
        } catch (NumberFormatException e) {
            return LineResult.rejected("BAD_NUMBER", "GPU KV cache usage '" + usage.group(1) + "'");
        }
        if (!(percent >= 0 && percent <= 100)) {
            return LineResult.rejected("OUT_OF_RANGE", "GPU KV cache usage " + usage.group(1) + "%");
        }
        long kv = Math.round(percent / 100.0 * settings.kvCapacity());
        return LineResult.of(new LineResult.Observation(
                rank, null, time.atZone(settings.zone()).toInstant(), runningReqs, kv, null));
    }
}
