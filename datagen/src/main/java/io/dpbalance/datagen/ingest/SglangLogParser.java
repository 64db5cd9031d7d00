package io.dpbalance.datagen.ingest;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SGLang's scheduler log (docs/ingest.md): with DP attention each DP rank's scheduler writes, every
 * {@code decode_log_interval} decode steps, a line such as
 * <pre>[2026-03-17 17:35:07 DP9 TP9] Decode batch, #running-req: 12, #token: 768, token usage: 0.00, cuda graph: True,
 * gen throughput (token/s): 3.83, #queue-req: 0</pre>
 * Accepted variants: {@code Decode batch.} or {@code Decode batch,}; a time-only prefix ({@code [04:40:55 TP0]}, dated
 * with {@link IngestSettings#date()}); no DP tag (rank 0); extra fields in any order ({@code accept len},
 * {@code #running-req per DP: [...]}, {@code cuda graph}/{@code npu graph}, ...); hybrid models' {@code #full token}
 * (used when {@code #token} is absent) and {@code #swa token}. Every other line (prefill batches, HTTP access lines,
 * start-up output) is skipped as {@link LineResult#NOT_DECODE}.
 */
public final class SglangLogParser implements LineParser {

    private static final Pattern PREFIX = Pattern.compile(
            "^\\[(?:(\\d{4})-(\\d{2})-(\\d{2})[ T])?(\\d{2}):(\\d{2}):(\\d{2})(?:[.,]\\d+)?((?:\\s+[A-Za-z]+\\d+)*)\\s*]\\s*(.*)$");
    private static final Pattern DECODE = Pattern.compile("^Decode batch\\s*[.,]\\s*(.*)$");
    private static final Pattern DP_TAG = Pattern.compile("\\bDP(\\d+)\\b");
    private static final Pattern RUNNING = Pattern.compile("#running-req:\\s*([^,\\s]+)");
    private static final Pattern TOKEN = Pattern.compile("#token:\\s*([^,\\s]+)");
    private static final Pattern FULL_TOKEN = Pattern.compile("#full token:\\s*([^,\\s]+)");

    private final IngestSettings settings;

    public SglangLogParser(IngestSettings settings) {
        this.settings = settings;
    }

    @Override
    public LineResult parse(String line) {
        Matcher prefix = PREFIX.matcher(line);
        if (!prefix.matches()) {
            return line.contains("Decode batch")
                    ? LineResult.rejected("BAD_PREFIX", "a decode line without a [date time DPr TPr] prefix")
                    : LineResult.skipped(LineResult.NOT_DECODE);
        }
        Matcher decode = DECODE.matcher(prefix.group(8));
        if (!decode.matches()) {
            return LineResult.skipped(LineResult.NOT_DECODE);
        }
        String fields = decode.group(1);
        LocalDate date;
        LocalTime time;
        try {
            time = LocalTime.of(
                    Integer.parseInt(prefix.group(4)),
                    Integer.parseInt(prefix.group(5)),
                    Integer.parseInt(prefix.group(6)));
            if (prefix.group(1) != null) {
                date = LocalDate.of(
                        Integer.parseInt(prefix.group(1)),
                        Integer.parseInt(prefix.group(2)),
                        Integer.parseInt(prefix.group(3)));
            } else if (settings.date() != null) {
                date = settings.date();
            } else {
                return LineResult.rejected("NO_DATE", "a time-only prefix needs --date");
            }
        } catch (DateTimeException e) {
            return LineResult.rejected("BAD_TIME", e.getMessage());
        }
        int rank = 0;
        Matcher dp = DP_TAG.matcher(prefix.group(7));
        if (dp.find()) {
            try {
                rank = Integer.parseInt(dp.group(1));
            } catch (NumberFormatException e) {
                return LineResult.rejected("OUT_OF_RANGE", "DP rank " + dp.group(1));
            }
        }
        Long running = number(RUNNING, fields);
        if (running == null) {
            return missingOrBad(RUNNING, fields, "#running-req");
        }
        Pattern kvField = TOKEN.matcher(fields).find() ? TOKEN : FULL_TOKEN;
        Long kv = number(kvField, fields);
        if (kv == null) {
            return missingOrBad(kvField, fields, kvField == TOKEN ? "#token" : "#token or #full token");
        }
        if (running > Integer.MAX_VALUE) {
            return LineResult.rejected("OUT_OF_RANGE", "#running-req " + running);
        }
        if (settings.kvCapacity() != null && kv > settings.kvCapacity()) {
            return LineResult.rejected(
                    "OUT_OF_RANGE", "#token " + kv + " exceeds --kv-capacity " + settings.kvCapacity());
        }
        return LineResult.of(new LineResult.Observation(
                rank,
                null,
                LocalDateTime.of(date, time).atZone(settings.zone()).toInstant(),
                (int) (long) running,
                kv,
                null));
    }

    /** The field's value as a non-negative long; null when absent or not such a number. */
    private static Long number(Pattern field, String fields) {
        Matcher m = field.matcher(fields);
        if (!m.find()) {
            return null;
        }
        String text = m.group(1);
        if (!text.chars().allMatch(Character::isDigit)) {
            return null;
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static LineResult missingOrBad(Pattern field, String fields, String name) {
        Matcher m = field.matcher(fields);
        if (!m.find()) {
            return LineResult.rejected("MISSING_FIELD", name);
        }
        String text = m.group(1);
        return text.chars().allMatch(Character::isDigit)
                ? LineResult.rejected("OUT_OF_RANGE", name + " " + text)
                : LineResult.rejected("BAD_NUMBER", name + " '" + text + "'");
    }
}
