package io.dpbalance.jobs.shadow;

import io.dpbalance.jobs.common.DeadLetters;
import io.dpbalance.jobs.io.InputRecord;
import io.dpbalance.schemas.DeadLetter;
import io.dpbalance.schemas.RequestArrival;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Keyed by (cluster, request), before the per-policy fan-out: lets a request id through once, and its completion (a
 * record with {@code output_tokens} after one without) once more; every other record of an id already seen is a
 * {@link #REQUEST_REPEATED} dead letter and never reaches a shadow. Without it a repeat was merged while the request
 * was pending or running, but after the request finished it was simulated again or counted late, differently per
 * policy.
 *
 * <p>An id is remembered until the watermark passes its first arrival time plus {@code --repeat-retention} (an
 * event-time timer, so a replay forgets at the same point of the stream): state holds one small entry per request
 * that arrived within the retention, never more. A repeat coming after that is treated as a new request.
 */
public final class RequestRepeatCheck
        extends KeyedProcessFunction<String, InputRecord<RequestArrival>, InputRecord<RequestArrival>> {

    /** A record repeating a request id already seen within the retention. */
    public static final String REQUEST_REPEATED = "REQUEST_REPEATED";

    static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("repeated-request-dead-letters", new AvroTypeInfo<>(DeadLetter.class));

    private final long retentionMillis;

    private transient ValueState<Seen> seen;
    private transient Counter repeats;

    RequestRepeatCheck(Duration retention) {
        this.retentionMillis = retention.toMillis();
    }

    /** What is remembered of a request id: whether its output length is known, and where its last record was read. */
    public static final class Seen {
        public boolean outputKnown;
        public int partition;
        public long offset;

        public Seen() {}
    }

    /** The state descriptor, public so a test can check its serializer needs no Kryo. */
    public static ValueStateDescriptor<Seen> seenDescriptor() {
        return new ValueStateDescriptor<>("request-seen", TypeInformation.of(Seen.class));
    }

    @Override
    public void open(OpenContext openContext) {
        seen = getRuntimeContext().getState(seenDescriptor());
        repeats = getRuntimeContext().getMetricGroup().counter("repeatedRequests");
    }

    @Override
    public void processElement(
            InputRecord<RequestArrival> record, Context ctx, Collector<InputRecord<RequestArrival>> out)
            throws Exception {
        boolean outputKnown = record.value.getOutputTokens() != null;
        Seen known = seen.value();
        if (known == null) {
            known = new Seen();
            long forgetAt = record.value.getArrivalTime().toEpochMilli() + retentionMillis;
            // Never before 1970, like the shadow's own timers.
            ctx.timerService().registerEventTimeTimer(Math.max(0, forgetAt));
        } else if (known.outputKnown || !outputKnown) {
            repeats.inc();
            ctx.output(
                    DEAD_LETTERS,
                    DeadLetters.of(
                            record,
                            REQUEST_REPEATED + ": request '" + record.value.getRequestId()
                                    + "' of cluster '" + record.value.getClusterId() + "' was already read ("
                                    + record.topic + " partition "
                                    + known.partition + " offset " + known.offset
                                    + (known.outputKnown ? ", with its output length" : "")
                                    + ")",
                            System.currentTimeMillis()));
            return;
        }
        known.outputKnown = outputKnown;
        known.partition = record.partition;
        known.offset = record.offset;
        seen.update(known);
        out.collect(record);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<InputRecord<RequestArrival>> out) {
        // The retention has passed: forget the id, or state would keep every request ever read.
        seen.clear();
    }
}
