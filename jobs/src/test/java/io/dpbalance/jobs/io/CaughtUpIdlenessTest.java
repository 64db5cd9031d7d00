package io.dpbalance.jobs.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpbalance.schemas.RequestArrival;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.BoundedOutOfOrdernessWatermarks;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.util.clock.ManualClock;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * When one split's generator lets the split go idle: Flink's rule (quiet for the timeout) without a broker, and with
 * one only when the broker answered lately and holds nothing more for the split. The clock is the split's
 * input-activity clock, turned by hand; the broker's answers are given to an {@link EndOffsets} that never polls.
 */
class CaughtUpIdlenessTest {

    private static final Duration IDLENESS = Duration.ofSeconds(2);
    private static final long T0 = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();

    /** What a generator told its output, in order: "idle", "active" or the watermark's time. */
    private static final class Recorder implements WatermarkOutput {
        final List<String> events = new ArrayList<>();

        @Override
        public void emitWatermark(Watermark watermark) {
            events.add(String.valueOf(watermark.getTimestamp()));
        }

        @Override
        public void markIdle() {
            events.add("idle");
        }

        @Override
        public void markActive() {
            events.add("active");
        }

        String last() {
            return events.get(events.size() - 1);
        }
    }

    private final ManualClock clock = new ManualClock();
    private final Recorder output = new Recorder();

    private CaughtUpIdleness.Generator<RequestArrival> generator(EndOffsets offsets) {
        return new CaughtUpIdleness.Generator<>(
                new BoundedOutOfOrdernessWatermarks<>(Duration.ofMillis(100)), clock, IDLENESS, offsets);
    }

    private static InputRecord<RequestArrival> record(int partition, long offset, long time) {
        RequestArrival value = new RequestArrival("c", "r" + offset, Instant.ofEpochMilli(time), 10L, 5L, null, null);
        return InputRecord.decoded("dp.requests", partition, offset, "c", new byte[0], value, null);
    }

    private void read(CaughtUpIdleness.Generator<RequestArrival> generator, InputRecord<RequestArrival> record) {
        generator.onEvent(record, record.value.getArrivalTime().toEpochMilli(), output);
    }

    private void quietFor(Duration duration) {
        clock.advanceTime(duration);
    }

    @Test
    void withoutABrokerAQuietSplitGoesIdleAfterTheTimeoutAsWithFlinksIdleness() {
        var generator = generator(null);
        read(generator, record(0, 5, T0));
        quietFor(IDLENESS.minusMillis(1));
        generator.onPeriodicEmit(output);
        assertThat(output.last()).isEqualTo(String.valueOf(T0 - 100 - 1));
        assertThat(generator.isIdle()).isFalse();

        quietFor(Duration.ofMillis(1));
        generator.onPeriodicEmit(output);
        assertThat(output.last()).isEqualTo("idle");
        assertThat(generator.isIdle()).isTrue();

        read(generator, record(0, 6, T0 + 1_000));
        generator.onPeriodicEmit(output);
        assertThat(generator.isIdle()).as("a record makes it active again").isFalse();
        assertThat(output.last()).isEqualTo(String.valueOf(T0 + 1_000 - 100 - 1));
    }

    @Test
    void aQuietSplitWhosePartitionTheBrokerHoldsMoreOfKeepsHoldingTheWatermarkBack() {
        EndOffsets offsets = EndOffsets.unpolled("127.0.0.1:9", new Properties(), Duration.ofMinutes(1));
        var generator = generator(offsets);
        read(generator, record(3, 9, T0));
        quietFor(IDLENESS.multipliedBy(10));

        generator.onPeriodicEmit(output);
        assertThat(generator.isIdle())
                .as("the broker has not answered for partition 3 yet")
                .isFalse();

        offsets.answered(new TopicPartition("dp.requests", 3), new EndOffsets.Answer(15, System.nanoTime()));
        generator.onPeriodicEmit(output);
        assertThat(generator.isIdle()).as("offsets 10..14 are still to be read").isFalse();
        assertThat(output.last()).isEqualTo(String.valueOf(T0 - 100 - 1));

        offsets.answered(new TopicPartition("dp.requests", 3), new EndOffsets.Answer(10, System.nanoTime()));
        generator.onPeriodicEmit(output);
        assertThat(generator.isIdle())
                .as("caught up: the next offset to read is the end")
                .isTrue();
    }

    @Test
    void duringAnOutageAnAnswerOlderThanTheTimeoutNoLongerLetsTheSplitGoIdle() {
        EndOffsets offsets = EndOffsets.unpolled("127.0.0.1:9", new Properties(), Duration.ofMinutes(1));
        var generator = generator(offsets);
        read(generator, record(0, 9, T0));
        quietFor(IDLENESS);
        offsets.answered(
                new TopicPartition("dp.requests", 0),
                new EndOffsets.Answer(
                        10, System.nanoTime() - IDLENESS.plusMillis(500).toNanos()));

        generator.onPeriodicEmit(output);
        assertThat(generator.isIdle()).isFalse();

        offsets.answered(new TopicPartition("dp.requests", 0), new EndOffsets.Answer(10, System.nanoTime()));
        generator.onPeriodicEmit(output);
        assertThat(generator.isIdle()).isTrue();
    }

    @Test
    void aSplitThatReadNothingWaitsTheFirstRecordGraceAndABrokerThatAnswers() {
        EndOffsets offsets = EndOffsets.unpolled("127.0.0.1:9", new Properties(), Duration.ofMinutes(1));
        var generator = generator(offsets);
        quietFor(CaughtUpIdleness.FIRST_RECORD_GRACE.minusMillis(1));
        offsets.answered(new TopicPartition("other", 0), new EndOffsets.Answer(0, System.nanoTime()));
        generator.onPeriodicEmit(output);
        assertThat(generator.isIdle())
                .as("quiet for the idleness, not yet for the grace")
                .isFalse();

        quietFor(Duration.ofMillis(1));
        generator.onPeriodicEmit(output);
        assertThat(generator.isIdle()).isTrue();
    }

    @Test
    void aSplitThatReadNothingStaysActiveWhileTheBrokerDoesNotAnswer() {
        EndOffsets offsets = EndOffsets.unpolled("127.0.0.1:9", new Properties(), Duration.ofMinutes(1));
        var generator = generator(offsets);
        quietFor(CaughtUpIdleness.FIRST_RECORD_GRACE.multipliedBy(2));
        generator.onPeriodicEmit(output);
        assertThat(generator.isIdle()).isFalse();
        assertThat(output.events).doesNotContain("idle");
    }
}
