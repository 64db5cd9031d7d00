package io.dpbalance.jobs.io;

import java.io.Serializable;
import java.lang.ref.Cleaner;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.TimestampAssignerSupplier;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.util.clock.RelativeClock;

/**
 * Idleness that never runs the watermark ahead of data the broker still holds. Flink's
 * {@link WatermarkStrategy#withIdleness} marks a split idle after it has been quiet for the timeout, whatever the
 * reason: during a broker outage every partition goes quiet, goes idle, and the first records after the outage come
 * "late" behind a watermark that other splits (or the end of idleness) moved on.
 *
 * <p>Here a split (a Kafka partition) may be marked idle only when all three hold:
 * <ol>
 *   <li>it has had no record for the idleness timeout (on the source's input-activity clock, as Flink's);
 *   <li>the broker holds nothing more for it: its {@code read_committed} end offset is at most the next offset the
 *       split will read (the offset after its last record);
 *   <li>the broker answered within the idleness timeout: with no answer, the backlog is unknown, and the split keeps
 *       holding the watermark back (an outage stops the watermark instead of dropping what comes after it).
 * </ol>
 * The broker's answers come from {@link EndOffsets}, one watcher per TaskManager JVM polling every 0.5 s with the
 * source's client settings. A split that has not read any record yet does not know its partition (Flink does not say
 * which split a generator is for): it may go idle when it has been quiet for the timeout, but at least
 * {@link #FIRST_RECORD_GRACE}, and the broker answered within the timeout (limit: see docs/reliability.md).
 *
 * <p>Without a broker (file input, tests of the wiring) it is Flink's idleness.
 *
 * @param <T> the record type
 */
public final class CaughtUpIdleness<T extends SpecificRecord> implements WatermarkStrategy<InputRecord<T>> {

    private static final long serialVersionUID = 1L;
    private static final Cleaner CLEANER = Cleaner.create();
    /**
     * How long a split that has not read a record yet waits before it may go idle, if the idleness is shorter. Flink
     * creates a split's watermark generator when the split is assigned, and does not say which split it is: until its
     * first record, the generator cannot ask for its partition's backlog.
     */
    public static final Duration FIRST_RECORD_GRACE = Duration.ofSeconds(30);

    /** Where the source reads: the broker and the source's client properties (security settings included). */
    public record Broker(String bootstrapServers, Properties clientProperties) implements Serializable {
        public Broker {
            Objects.requireNonNull(bootstrapServers, "bootstrapServers");
            Properties copy = new Properties();
            if (clientProperties != null) {
                copy.putAll(clientProperties);
            }
            clientProperties = copy;
        }
    }

    private final WatermarkStrategy<InputRecord<T>> base;
    private final Duration idleness;
    private final Broker broker;

    private CaughtUpIdleness(WatermarkStrategy<InputRecord<T>> base, Duration idleness, Broker broker) {
        this.base = Objects.requireNonNull(base, "base");
        this.idleness = Objects.requireNonNull(idleness, "idleness");
        this.broker = broker;
    }

    /**
     * {@code base} (timestamps and watermarks, without idleness) with caught-up idleness.
     *
     * @param broker the source's broker, or null for Flink's plain idleness (file input)
     */
    public static <T extends SpecificRecord> WatermarkStrategy<InputRecord<T>> of(
            WatermarkStrategy<InputRecord<T>> base, Duration idleness, Broker broker) {
        return new CaughtUpIdleness<>(base, idleness, broker);
    }

    @Override
    public TimestampAssigner<InputRecord<T>> createTimestampAssigner(TimestampAssignerSupplier.Context context) {
        return base.createTimestampAssigner(context);
    }

    @Override
    public WatermarkGenerator<InputRecord<T>> createWatermarkGenerator(WatermarkGeneratorSupplier.Context context) {
        WatermarkGenerator<InputRecord<T>> inner = base.createWatermarkGenerator(context);
        if (broker == null) {
            return new Generator<>(inner, context.getInputActivityClock(), idleness, null);
        }
        // Partitions not asked about for a while are forgotten; a cancelled job's watcher stops soon after.
        Duration forgetAfter = idleness.multipliedBy(4).compareTo(Duration.ofMinutes(1)) > 0
                ? idleness.multipliedBy(4)
                : Duration.ofMinutes(1);
        EndOffsets offsets = EndOffsets.shared(broker.bootstrapServers(), broker.clientProperties(), forgetAfter);
        Generator<T> generator = new Generator<>(inner, context.getInputActivityClock(), idleness, offsets);
        // A split's generator has no close: the watcher's use count drops when the generator is collected.
        CLEANER.register(generator, offsets::release);
        return generator;
    }

    /** One split's generator. */
    static final class Generator<T extends SpecificRecord> implements WatermarkGenerator<InputRecord<T>> {

        private final WatermarkGenerator<InputRecord<T>> inner;
        private final RelativeClock clock;
        private final long idleMillis;
        private final Duration idleness;
        private final EndOffsets offsets;

        private String topic;
        private int partition = -1;
        private long nextOffset = -1;
        private long lastActivity;
        private boolean idle;

        Generator(
                WatermarkGenerator<InputRecord<T>> inner, RelativeClock clock, Duration idleness, EndOffsets offsets) {
            this.inner = inner;
            this.clock = clock;
            this.idleness = idleness;
            this.idleMillis = idleness.toMillis();
            this.offsets = offsets;
            this.lastActivity = clock.relativeTimeMillis();
        }

        @Override
        public void onEvent(InputRecord<T> record, long eventTimestamp, WatermarkOutput output) {
            if (record.partition >= 0) {
                topic = record.topic;
                partition = record.partition;
                nextOffset = Math.max(nextOffset, record.offset + 1);
            }
            lastActivity = clock.relativeTimeMillis();
            idle = false;
            inner.onEvent(record, eventTimestamp, output);
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            // Asked on every emit, not only when quiet, so that the answer is fresh by the time the split is quiet.
            EndOffsets.Answer answer = offsets != null && partition >= 0 ? offsets.ask(topic, partition) : null;
            long quietMillis = clock.relativeTimeMillis() - lastActivity;
            // A split that has read nothing since it was assigned does not know its partition, hence not its backlog:
            // it
            // waits at least FIRST_RECORD_GRACE (a backlog's first fetch reaches every partition well within it).
            boolean quiet = quietMillis
                    >= (partition >= 0 || offsets == null
                            ? idleMillis
                            : Math.max(idleMillis, FIRST_RECORD_GRACE.toMillis()));
            if (quiet && mayIdle(answer)) {
                idle = true;
                output.markIdle();
            } else {
                idle = false;
                inner.onPeriodicEmit(output);
            }
        }

        private boolean mayIdle(EndOffsets.Answer answer) {
            if (offsets == null) {
                return true;
            }
            if (partition < 0) {
                return offsets.brokerAnsweredWithin(idleness);
            }
            return answer != null
                    && System.nanoTime() - answer.answeredAtNanos() <= idleness.toNanos()
                    && answer.endOffset() <= nextOffset;
        }

        /** True after the last emit marked the split idle (tests). */
        boolean isIdle() {
            return idle;
        }
    }
}
