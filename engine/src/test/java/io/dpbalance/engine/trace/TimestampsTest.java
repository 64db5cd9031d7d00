package io.dpbalance.engine.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TimestampsTest {

    @Test
    void readsADateTimeToTheNanosecond() {
        assertThat(Timestamps.dateTimeNanos("1970-01-01 00:00:01.000000001")).isEqualTo(1_000_000_001L);
        assertThat(Timestamps.dateTimeNanos("2023-11-16 18:15:46.6805900")).isEqualTo(1_700_158_546_680_590_000L);
    }

    @Test
    void treatsAnOffsetAsTheSameInstantInUtc() {
        assertThat(Timestamps.dateTimeNanos("2024-05-10T02:00:00+02:00"))
                .isEqualTo(Timestamps.dateTimeNanos("2024-05-10 00:00:00"))
                .isEqualTo(Timestamps.dateTimeNanos("2024-05-10 00:00:00Z"))
                .isEqualTo(Timestamps.dateTimeNanos("2024-05-09 19:00:00-0500"))
                .isEqualTo(Timestamps.dateTimeNanos("2024-05-09 21:00:00.000-03"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "2023-11-16",
                "2023-11-16 18:15",
                "2023-02-30 00:00:00",
                "2023-11-16 24:00:00",
                "2023-11-16 18:15:46.1234567890",
                "1969-12-31 23:59:59",
                "2023-11-16 18:15:46 UTC",
                "16/11/2023 18:15:46",
                "2023-11-16 18:15:46.",
                "2023-11-16 18:15:46+02:",
                "2023-11-16 18:15:46+2",
                "2023-11-16 18:15:46+02:000",
                "2023-11-16 18:15:46Z0",
                "2023-11-16 18:15:46.5 +02:00",
                "2023-11-16 18:15:4\u0666",
                "2023-11-16 18:15:46+25:00"
            })
    void rejectsWhatIsNoDateTimeAtOrAfter1970(String text) {
        assertThatThrownBy(() -> Timestamps.dateTimeNanos(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readsDecimalsExactly() {
        assertThat(Timestamps.decimalNanos("0.1", Timestamps.SECONDS)).isEqualTo(100_000_000L);
        assertThat(Timestamps.decimalNanos("1e3", Timestamps.SECONDS)).isEqualTo(1_000_000_000_000L);
        assertThat(Timestamps.decimalNanos("30535.5", Timestamps.MILLISECONDS)).isEqualTo(30_535_500_000L);
        assertThat(Timestamps.decimalNanos("1700158546680.5909", Timestamps.MILLISECONDS))
                .isEqualTo(1_700_158_546_680_590_900L);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "NaN", "Infinity", "1d", "0x10", "abc", "1e999999999", "9300000000"})
    void rejectsDecimalsThatAreNoTimeInRange(String text) {
        assertThatThrownBy(() -> Timestamps.decimalNanos(text, Timestamps.SECONDS))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
