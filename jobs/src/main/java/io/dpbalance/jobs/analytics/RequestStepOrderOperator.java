package io.dpbalance.jobs.analytics;

import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;

/**
 * The operator of {@link RequestStepOrderFunction}: when its input goes idle, it first lets every token it holds go
 * through, as a watermark at the latest of their times would, and only then passes the idle status on.
 *
 * <p>Why: the step window downstream merges this token path with the rank-step path, and a merge ignores the
 * watermark of an idle input. Its input goes idle only when the token topic's partitions are caught up with the broker
 * ({@code CaughtUpIdleness}), but the tokens of the last max-step-spread wait here for a watermark that an idle input
 * does not bring. Passed on idle as they were, the other path's watermark would close their step windows, and they
 * would come late when the token input is active again: at the end of a drain while the sources were idle (the crash
 * test's broker outage, then a restore, lost 492 step metrics so: their 2,332 tokens were dead-lettered late) or when
 * the token topic is quiet while rank-steps go on. After the flush this subtask's event time is the flushed time: a
 * lower watermark later is not passed on (the timers' time never goes back), and a token behind it is late, as it would
 * be at the step window anyway.
 */
final class RequestStepOrderOperator extends KeyedProcessOperator<String, RequestToken, RequestToken> {

    private static final long serialVersionUID = 1L;

    private transient long watermark;

    RequestStepOrderOperator(RequestStepOrderFunction function) {
        super(function);
    }

    @Override
    public void open() throws Exception {
        super.open();
        watermark = Long.MIN_VALUE;
        // After a restore the function has seen no token yet: the latest time is that of the tokens in state.
        RequestStepOrderFunction function = function();
        getKeyedStateBackend()
                .applyToAllKeys(
                        VoidNamespace.INSTANCE,
                        VoidNamespaceSerializer.INSTANCE,
                        RequestStepOrderFunction.waitingDescriptor(),
                        (key, tokens) -> tokens.get().forEach(token -> function.waited(token.time())));
    }

    private RequestStepOrderFunction function() {
        return (RequestStepOrderFunction) getUserFunction();
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        if (mark.getTimestamp() <= watermark) {
            return; // behind a flush (or a repeat): the timers' time does not go back
        }
        watermark = mark.getTimestamp();
        super.processWatermark(mark);
    }

    @Override
    public void processWatermarkStatus(WatermarkStatus status) throws Exception {
        long latest = function().latestWaiting();
        if (status.isIdle() && latest > watermark) {
            processWatermark(new Watermark(latest));
        }
        super.processWatermarkStatus(status);
    }
}
