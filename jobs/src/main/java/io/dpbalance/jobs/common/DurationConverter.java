package io.dpbalance.jobs.common;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;

/** The jobs' duration flags: {@code 500ms}, {@code 10s}, {@code 5m}, {@code 1h}. */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

    @Override
    public Duration convert(String text) {
        return parse(text);
    }

    /** {@code 500ms}, {@code 10s}, {@code 5m}, {@code 1h}. */
    public static Duration parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        Map<String, Duration> units = Map.of(
                "ms",
                Duration.ofMillis(1),
                "s",
                Duration.ofSeconds(1),
                "m",
                Duration.ofMinutes(1),
                "h",
                Duration.ofHours(1));
        for (String unit : new String[] {"ms", "s", "m", "h"}) {
            if (t.endsWith(unit)) {
                String number = t.substring(0, t.length() - unit.length()).trim();
                try {
                    return units.get(unit).multipliedBy(Long.parseLong(number));
                } catch (NumberFormatException e) {
                    break;
                }
            }
        }
        throw new CommandLine.TypeConversionException(
                "expected a duration such as 500ms, 10s, 5m or 1h, got '" + text + "'");
    }
}
