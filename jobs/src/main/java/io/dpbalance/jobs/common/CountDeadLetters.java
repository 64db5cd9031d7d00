package io.dpbalance.jobs.common;

import io.dpbalance.schemas.DeadLetter;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/** Counts dead letters by reason code (metric {@code deadLetters}, group {@code reason}) on their way to the sink. */
public final class CountDeadLetters extends RichMapFunction<DeadLetter, DeadLetter> {

    private transient MetricGroup metrics;
    private transient Map<String, Counter> byReason;

    @Override
    public void open(OpenContext openContext) {
        metrics = getRuntimeContext().getMetricGroup();
        byReason = new HashMap<>();
    }

    @Override
    public DeadLetter map(DeadLetter letter) {
        byReason.computeIfAbsent(
                        DeadLetters.code(letter.getReason()),
                        code -> metrics.addGroup("reason", code).counter("deadLetters"))
                .inc();
        return letter;
    }
}
