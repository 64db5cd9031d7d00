package io.dpbalance.datagen.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** vLLM's per-engine stats lines with data parallelism: KV tokens from the usage percent and --kv-capacity. */
class VllmLogParserTest {

    private final VllmLogParser parser =
            new VllmLogParser(new IngestSettings(ZoneOffset.UTC, LocalDate.of(2026, 1, 1), 100_000L));

    @Test
    void anEngineLineGivesTheEnginesRankRunningAndLoad() {
        LineResult r = parser.parse("(APIServer pid=4711) INFO 03-17 17:35:07 [loggers.py:123] Engine 001: "
                + "Avg prompt throughput: 0.0 tokens/s, Avg generation throughput: 412.3 tokens/s, Running: 12 reqs, "
                + "Waiting: 0 reqs, GPU KV cache usage: 3.4%, Prefix cache hit rate: 0.0%");
        assertThat(r.observation())
                .isEqualTo(new LineResult.Observation(1, null, Instant.parse("2026-03-17T17:35:07Z"), 12, 3_400, null));
    }

    @Test
    void withoutAnEngineTagTheRankIsZero() {
        LineResult r = parser.parse("INFO 03-17 17:35:12 metrics.py:455] Avg prompt throughput: 0.0 tokens/s, "
                + "Avg generation throughput: 80.1 tokens/s, Running: 5 reqs, Swapped: 0 reqs, Pending: 0 reqs, "
                + "GPU KV cache usage: 50.0%, CPU KV cache usage: 0.0%.");
        assertThat(r.observation().rank()).isZero();
        assertThat(r.observation().kvTokens()).isEqualTo(50_000);
    }

    @Test
    void badLinesAreRejectedByReasonAndOthersSkipped() {
        String good = "INFO 03-17 17:35:07 [loggers.py:123] Engine 000: Avg prompt throughput: 0.0 tokens/s, "
                + "Avg generation throughput: 1.0 tokens/s, Running: 2 reqs, Waiting: 0 reqs, GPU KV cache usage: 1.0%";
        assertThat(parser.parse(good.replace("1.0%", "101.0%")).reason()).isEqualTo("OUT_OF_RANGE");
        assertThat(parser.parse(good.substring(0, good.indexOf("Running") + 10)).reasonText())
                .as("truncated")
                .isEqualTo("MISSING_FIELD: Running");
        assertThat(parser.parse(good.replace("Running: 2", "Running: two")).reason())
                .isEqualTo("BAD_NUMBER");
        assertThat(parser.parse(good.replace("03-17", "02-30")).reason()).isEqualTo("BAD_TIME");
        assertThat(parser.parse("Engine 000: Avg prompt throughput: 0.0 tokens/s")
                        .reason())
                .isEqualTo("BAD_PREFIX");
        assertThat(parser.parse("INFO 03-17 17:35:07 [api_server.py:1] Started server process")
                        .reason())
                .isEqualTo(LineResult.NOT_DECODE);
        VllmLogParser undated = new VllmLogParser(new IngestSettings(ZoneOffset.UTC, null, 100L));
        assertThat(undated.parse(good).reason()).isEqualTo("NO_DATE");
    }

    @Test
    void theUsageFractionNeedsACapacity() {
        assertThatThrownBy(() -> new VllmLogParser(new IngestSettings(ZoneOffset.UTC, null, null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--kv-capacity");
    }
}
