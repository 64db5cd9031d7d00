package io.dpbalance.jobs.common;

import io.dpbalance.jobs.io.InputRecord;
import io.dpbalance.schemas.DeadLetter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Passes valid input records on and turns invalid ones (undecodable, or failing their source check) into dead
 * letters on {@link #DEAD_LETTERS}. Counts the records read ({@code recordsIn}). Chained right after each source as
 * {@link #operator()}, which also carries the end of event time past an idle source (see {@link EndOfInput}).
 *
 * @param <T> the record type
 */
public final class InputTriage<T extends SpecificRecord> extends ProcessFunction<InputRecord<T>, InputRecord<T>> {

    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

    private transient Counter recordsIn;

    /** The triage as the operator the jobs chain after their sources. */
    public static <T extends SpecificRecord> OneInputStreamOperator<InputRecord<T>, InputRecord<T>> operator() {
        return new EndOfInput<>(new InputTriage<>());
    }

    /**
     * Works around FLINK-40499: when a job is stopped with {@code --drain} (a draining savepoint) while its source is
     * idle (every partition caught up and quiet for {@code --idleness}), Flink 2.2's source task emits the final
     * watermark into an output announced idle, which drops it: no keyed operator downstream ever sees the end of event
     * time, so the shadows never run their last steps and the last step and event-time windows never close. The
     * operators chained after a source are told {@code endInput} on a drain (and at the end of a bounded input) after
     * the source's final watermark; this one then announces its output active again and emits the final watermark
     * itself, unless it has already passed (an active source, a bounded run).
     */
    static final class EndOfInput<T extends SpecificRecord> extends ProcessOperator<InputRecord<T>, InputRecord<T>>
            implements BoundedOneInput {

        private long watermark = Long.MIN_VALUE;

        EndOfInput(InputTriage<T> triage) {
            super(triage);
        }

        @Override
        public void processWatermark(Watermark mark) throws Exception {
            watermark = mark.getTimestamp();
            super.processWatermark(mark);
        }

        @Override
        public void endInput() throws Exception {
            if (watermark != Long.MAX_VALUE) {
                output.emitWatermarkStatus(WatermarkStatus.ACTIVE);
                processWatermark(Watermark.MAX_WATERMARK);
            }
        }
    }

    @Override
    public void open(OpenContext openContext) {
        recordsIn = getRuntimeContext().getMetricGroup().counter("recordsIn");
    }

    @Override
    public void processElement(InputRecord<T> record, Context ctx, Collector<InputRecord<T>> out) {
        recordsIn.inc();
        if (record.isValid()) {
            out.collect(record);
        } else {
            ctx.output(DEAD_LETTERS, DeadLetters.of(record, record.problem, System.currentTimeMillis()));
        }
    }
}
