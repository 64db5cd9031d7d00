package io.dpbalance.engine.trace;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Trace timestamps as integer nanoseconds, parsed without a detour through floating point: an epoch-scale time in
 * seconds as a double keeps only about 7 fractional digits, which the Azure traces already use.
 *
 * <p>Date-times are read by hand rather than by a regular expression: the Azure trace's 19,366 rows are read on
 * every start of {@code bin/dpbalance simulate}, before the JIT has compiled anything, and the regex engine's
 * interpreted matching was a third of the reading time.
 */
final class Timestamps {

    static final int SECONDS = 9;
    static final int MILLISECONDS = 6;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final int FRACTION_DIGITS = 9;
    private static final int MAX_LONG_DIGITS = 19;
    /** Length of {@code yyyy-MM-dd HH:mm:ss}, the part every date-time has. */
    private static final int DATE_TIME_LENGTH = 19;

    private Timestamps() {}

    /**
     * Nanoseconds since 1970-01-01T00:00Z of a date-time such as {@code 2023-11-16 18:15:46.6805900}: up to 9
     * fractional digits or none, a {@code T} instead of the space, an optional {@code Z} or {@code ±hh:mm} offset
     * (none means UTC).
     *
     * @throws IllegalArgumentException if the text is not such a date-time at or after 1970
     */
    static long dateTimeNanos(String text) {
        // yyyy-MM-dd[ T]HH:mm:ss, then .f{1,9} and Z|+hh|+hhmm|+hh:mm (or -), each optional; ASCII digits only
        String t = text.trim();
        int length = t.length();
        if (length < DATE_TIME_LENGTH
                || !digits(t, 0, 4)
                || t.charAt(4) != '-'
                || !digits(t, 5, 2)
                || t.charAt(7) != '-'
                || !digits(t, 8, 2)
                || (t.charAt(10) != ' ' && t.charAt(10) != 'T')
                || !digits(t, 11, 2)
                || t.charAt(13) != ':'
                || !digits(t, 14, 2)
                || t.charAt(16) != ':'
                || !digits(t, 17, 2)) {
            throw notADateTime(text);
        }
        int pos = DATE_TIME_LENGTH;
        long nanos = 0;
        if (pos < length && t.charAt(pos) == '.') {
            int end = pos + 1;
            while (end < length && isDigit(t.charAt(end))) {
                end++;
            }
            int fractionDigits = end - pos - 1;
            if (fractionDigits < 1 || fractionDigits > FRACTION_DIGITS) {
                throw notADateTime(text);
            }
            nanos = number(t, pos + 1, fractionDigits) * pow10(FRACTION_DIGITS - fractionDigits);
            pos = end;
        }
        String offset = pos < length ? t.substring(pos) : null;
        if (offset != null && !isOffset(offset)) {
            throw notADateTime(text);
        }
        try {
            LocalDateTime dateTime = LocalDateTime.of(
                    (int) number(t, 0, 4),
                    (int) number(t, 5, 2),
                    (int) number(t, 8, 2),
                    (int) number(t, 11, 2),
                    (int) number(t, 14, 2),
                    (int) number(t, 17, 2));
            long seconds = dateTime.toEpochSecond(offset == null ? ZoneOffset.UTC : ZoneOffset.of(offset));
            if (seconds < 0) {
                throw new IllegalArgumentException("before 1970: " + text);
            }
            return Math.addExact(Math.multiplyExact(seconds, NANOS_PER_SECOND), nanos);
        } catch (DateTimeException | ArithmeticException e) {
            throw new IllegalArgumentException("not a valid date-time: " + text, e);
        }
    }

    /** {@code Z}, or a sign and two digits, optionally followed by two more with or without a colon. */
    private static boolean isOffset(String s) {
        if (s.equals("Z")) {
            return true;
        }
        if ((s.charAt(0) != '+' && s.charAt(0) != '-') || !digits(s, 1, 2)) {
            return false;
        }
        return switch (s.length()) {
            case 3 -> true;
            case 5 -> digits(s, 3, 2);
            case 6 -> s.charAt(3) == ':' && digits(s, 4, 2);
            default -> false;
        };
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean digits(String s, int from, int count) {
        if (from + count > s.length()) {
            return false;
        }
        for (int i = from; i < from + count; i++) {
            if (!isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** The value of {@code count} ASCII digits (at most 18) starting at {@code from}, already checked. */
    private static long number(String s, int from, int count) {
        long value = 0;
        for (int i = from; i < from + count; i++) {
            value = value * 10 + (s.charAt(i) - '0');
        }
        return value;
    }

    private static IllegalArgumentException notADateTime(String text) {
        return new IllegalArgumentException("not a date-time: " + text);
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
