package io.dpbalance.datagen.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * TensorRT-LLM's per-iteration stats as JSON lines (docs/ingest.md), one object per rank per iteration:
 * <pre>{"timestamp": "03-17-2026 17:35:07", "iter": 1200, "iterLatencyMS": 21.4, "attentionDpRank": 3,
 *  "inflightBatchingStats": {"numGenRequests": 12, "numGenKvTokens": 768, "numContextRequests": 0, ...}, ...}</pre>
 * Rank: {@code attentionDpRank} (0 when absent: no attention DP). Running: {@code numGenRequests}. KV load:
 * {@code inflightBatchingStats.numGenKvTokens}, else {@code kvCacheStats.usedNumBlocks * tokensPerBlock}. Iteration:
 * {@code iter}. Time: {@code timestamp} ({@code MM-DD-YYYY HH:MM:SS} local, or an ISO-8601 instant). Step time:
 * {@code iterLatencyMS}. Lines that do not start with '{' are skipped as {@link LineResult#NOT_DECODE}.
 */
public final class TrtllmStatsParser implements LineParser {

    private static final JsonFactory JSON = new JsonFactory();
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("MM-dd-yyyy HH:mm:ss");

    private final IngestSettings settings;

    public TrtllmStatsParser(IngestSettings settings) {
        this.settings = settings;
    }

    @Override
    public LineResult parse(String line) {
        String text = line.strip();
        if (!text.startsWith("{")) {
            return LineResult.skipped(LineResult.NOT_DECODE);
        }
        Map<String, Object> stats;
        try (JsonParser parser = JSON.createParser(text)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return LineResult.rejected("BAD_JSON", "not an object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> object = (Map<String, Object>) value(parser);
            if (parser.nextToken() != null) {
                return LineResult.rejected("BAD_JSON", "text after the object");
            }
            stats = object;
        } catch (IOException e) {
            return LineResult.rejected(
                    "BAD_JSON",
                    e instanceof com.fasterxml.jackson.core.JsonProcessingException j
                            ? j.getOriginalMessage()
                            : e.getMessage());
        }
        Object batching = stats.get("inflightBatchingStats");
        if (!(batching instanceof Map<?, ?> ifb)) {
            return LineResult.skipped("NO_INFLIGHT_BATCHING_STATS");
        }
        Long iter = integer(stats.get("iter"));
        if (iter == null) {
            return bad(stats, "iter");
        }
        Long rank = stats.containsKey("attentionDpRank") ? integer(stats.get("attentionDpRank")) : Long.valueOf(0);
        if (rank == null || rank > Integer.MAX_VALUE) {
            return bad(stats, "attentionDpRank");
        }
        Long running = integer(ifb.get("numGenRequests"));
        if (running == null || running > Integer.MAX_VALUE) {
            return bad(ifb, "numGenRequests");
        }
        Long kv = integer(ifb.get("numGenKvTokens"));
        if (kv == null && ifb.get("numGenKvTokens") != null) {
            return bad(ifb, "numGenKvTokens");
        }
        if (kv == null) {
            Object cache = stats.get("kvCacheStats");
            if (!(cache instanceof Map<?, ?> kvStats)) {
                return LineResult.rejected("MISSING_FIELD", "inflightBatchingStats.numGenKvTokens or kvCacheStats");
            }
            Long blocks = integer(kvStats.get("usedNumBlocks"));
            Long perBlock = integer(kvStats.get("tokensPerBlock"));
            if (blocks == null || perBlock == null) {
                return bad(kvStats, blocks == null ? "usedNumBlocks" : "tokensPerBlock");
            }
            if (blocks > Long.MAX_VALUE / Math.max(1, perBlock)) {
                return LineResult.rejected("OUT_OF_RANGE", "usedNumBlocks " + blocks);
            }
            kv = blocks * perBlock;
        }
        if (settings.kvCapacity() != null && kv > settings.kvCapacity()) {
            return LineResult.rejected(
                    "OUT_OF_RANGE", "KV tokens " + kv + " exceed --kv-capacity " + settings.kvCapacity());
        }
        Object stamp = stats.get("timestamp");
        if (!(stamp instanceof String stampText)) {
            return LineResult.rejected("MISSING_FIELD", "timestamp");
        }
        Instant time;
        try {
            time = stampText.endsWith("Z") || stampText.contains("+")
                    ? Instant.parse(stampText)
                    : LocalDateTime.parse(stampText, STAMP)
                            .atZone(settings.zone())
                            .toInstant();
        } catch (DateTimeException e) {
            return LineResult.rejected("BAD_TIME", "timestamp '" + stampText + "'");
        }
        Long micros = null;
        Object latency = stats.get("iterLatencyMS");
        if (latency instanceof Number ms) {
            double value = ms.doubleValue();
            if (!(value >= 0) || value > 1e9) {
                return LineResult.rejected("OUT_OF_RANGE", "iterLatencyMS " + latency);
            }
            micros = Math.round(value * 1000);
        }
        return LineResult.of(
                new LineResult.Observation((int) (long) rank, iter, time, (int) (long) running, kv, micros));
    }

    /** A missing field, or one that is not a non-negative integer. */
    private static LineResult bad(Map<?, ?> object, String field) {
        Object value = object.get(field);
        return value == null
                ? LineResult.rejected("MISSING_FIELD", field)
                : LineResult.rejected(value instanceof Number ? "OUT_OF_RANGE" : "BAD_NUMBER", field + " " + value);
    }

    /** A non-negative integral JSON number as a long; null otherwise. */
    private static Long integer(Object value) {
        if (value instanceof Long l && l >= 0) {
            return l;
        }
        if (value instanceof Double d && d >= 0 && d == Math.rint(d) && d < 9e15) {
            return d.longValue();
        }
        return null;
    }

    /** The value at the parser's current token: maps, lists, Long, Double, String, Boolean or null. */
    private static Object value(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    map.put(name, value(p));
                }
                if (p.currentToken() != JsonToken.END_OBJECT) {
                    throw new IOException("truncated object");
                }
                return map;
            }
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                JsonToken next;
                while ((next = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (next == null) {
                        throw new IOException("truncated array");
                    }
                    list.add(value(p));
                }
                return list;
            }
            case VALUE_NUMBER_INT -> {
                return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                        ? (Object) p.getDoubleValue()
                        : (Object) p.getLongValue();
            }
            case VALUE_NUMBER_FLOAT -> {
                return p.getDoubleValue();
            }
            case VALUE_STRING -> {
                return p.getText();
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return p.getBooleanValue();
            }
            case VALUE_NULL -> {
                return null;
            }
            default -> throw new IOException("unexpected " + t);
        }
    }
}
