package io.dpbalance.engine.trace;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Trace timestamps as integer nanoseconds, parsed without a detour through floating point: an epoch-scale time in
 * seconds as a double keeps only about 7 fractional digits, which the Azure traces already use.
 */
final class Timestamps {

    static final int SECONDS = 9;
    static final int MILLISECONDS = 6;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final int FRACTION_DIGITS = 9;
    private static final int MAX_LONG_DIGITS = 19;
    private static final Pattern DATE_TIME = Pattern.compile(
            "(\\d{4})-(\\d{2})-(\\d{2})[ T](\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d{1,9}))?(Z|[+-]\\d{2}(?::?\\d{2})?)?");

    private Timestamps() {}

    /**
     * Nanoseconds since 1970-01-01T00:00Z of a date-time such as {@code 2023-11-16 18:15:46.6805900}: up to 9
     * fractional digits or none, a {@code T} instead of the space, an optional {@code Z} or {@code ±hh:mm} offset
     * (none means UTC).
     *
     * @throws IllegalArgumentException if the text is not such a date-time at or after 1970
     */
    static long dateTimeNanos(String text) {
        Matcher m = DATE_TIME.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a date-time: " + text);
        }
        try {
            LocalDateTime dateTime = LocalDateTime.of(
                    Integer.parseInt(m.group(1)),
                    Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3)),
                    Integer.parseInt(m.group(4)),
                    Integer.parseInt(m.group(5)),
                    Integer.parseInt(m.group(6)));
            ZoneOffset offset = m.group(8) == null ? ZoneOffset.UTC : ZoneOffset.of(m.group(8));
            long seconds = dateTime.toEpochSecond(offset);
            if (seconds < 0) {
                throw new IllegalArgumentException("before 1970: " + text);
            }
            String fraction = m.group(7) == null ? "" : m.group(7);
            long nanos = fraction.isEmpty() ? 0 : Long.parseLong(fraction) * pow10(FRACTION_DIGITS - fraction.length());
            return Math.addExact(Math.multiplyExact(seconds, NANOS_PER_SECOND), nanos);
        } catch (DateTimeException | ArithmeticException e) {
            throw new IllegalArgumentException("not a valid date-time: " + text, e);
        }
    }

    /**
     * Nanoseconds of a non-negative decimal number of units, rounded to the nearest nanosecond.
     *
     * @param unitDigits {@link #SECONDS} or {@link #MILLISECONDS}: the power of ten from the unit to nanoseconds
     * @throws IllegalArgumentException if the text is not a decimal number, or is negative or too large
     */
    static long decimalNanos(String text, int unitDigits) {
        return decimalNanos(new BigDecimal(text.trim()), unitDigits);
    }

    /** As {@link #decimalNanos(String, int)}. */
    static long decimalNanos(BigDecimal value, int unitDigits) {
        // Checked before scaling: 1e999999999 is a valid BigDecimal that would expand to a billion digits.
        if (value.signum() < 0 || value.precision() - value.scale() + unitDigits > MAX_LONG_DIGITS) {
            throw new IllegalArgumentException("not a time >= 0 in range: " + value);
        }
        try {
            return value.movePointRight(unitDigits)
                    .setScale(0, RoundingMode.HALF_EVEN)
                    .longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("not a time in range: " + value, e);
        }
    }

    private static long pow10(int exponent) {
        long power = 1;
        for (int i = 0; i < exponent; i++) {
            power *= 10;
        }
        return power;
    }
}
