package io.dpbalance.jobs.common;

import io.dpbalance.jobs.io.InputRecord;
import io.dpbalance.schemas.DeadLetter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Passes valid input records on and turns invalid ones (undecodable, or failing their source check) into dead
 * letters on {@link #DEAD_LETTERS}. Counts the records read ({@code recordsIn}).
 *
 * @param <T> the record type
 */
public final class InputTriage<T extends SpecificRecord> extends ProcessFunction<InputRecord<T>, InputRecord<T>> {

    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

    private transient Counter recordsIn;

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
