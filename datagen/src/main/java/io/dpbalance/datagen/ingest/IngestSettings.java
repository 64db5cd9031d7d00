package io.dpbalance.datagen.ingest;

import java.time.LocalDate;
import java.time.ZoneId;

/**
 * What the parsers need beyond the line: the zone of local timestamps, the date of time-only timestamps (and the year
 * of vLLM's month-day ones), and the KV capacity that turns a usage fraction into tokens.
 *
 * @param zone       zone of the logs' local times
 * @param date       date of time-only prefixes (SGLang {@code [04:40:55 TP0]}) and year of vLLM's {@code MM-DD}
 *                   stamps; null when not given
 * @param kvCapacity KV-cache capacity in tokens per rank, for formats that give only a usage fraction; null when not
 *                   given
 */
public record IngestSettings(ZoneId zone, LocalDate date, Long kvCapacity) {

    public IngestSettings {
        if (zone == null) {
            throw new IllegalArgumentException("--time-zone is required");
        }
        if (kvCapacity != null && kvCapacity <= 0) {
            throw new IllegalArgumentException("--kv-capacity must be positive, not " + kvCapacity);
        }
    }
}
