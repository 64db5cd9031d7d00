package io.dpbalance.jobs.analytics;

import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;

/**
 * The operator of {@link RequestStepOrderFunction}: it does not pass an idle status on while it holds tokens that
 * wait for the watermark; downstream it stays active at its watermark until its input brings the watermark on.
 *
 * <p>Why: the step window downstream merges this token path with the rank-step path, and a merge ignores the
 * watermark of an idle input. The token input goes idle only when the token topic's partitions are caught up with the
 * broker ({@code CaughtUpIdleness}), but the tokens of the last max-out-of-orderness still wait here. Passed on, the
 * idle status let the rank-step path alone move the step window past them, and they came late when the token input
 * was active again: at the end of a drain while the sources were idle (the crash test's drain after its broker outage
 * and a restore: 2,332 tokens dead-lettered late, 492 step metrics missing) or when the token topic went quiet while
 * rank-steps went on. Letting them through on idle instead is wrong too: after a broker outage the partitions are
 * caught up (the broker holds nothing more) while a producer still holds records it will send, and a watermark moved
 * on by idleness makes those late. Holding the idle status costs latency only: the step window waits until tokens
 * come again, or until the end of input.
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
        watermark = Math.max(watermark, mark.getTimestamp());
        super.processWatermark(mark);
    }

    @Override
    public void processWatermarkStatus(WatermarkStatus status) throws Exception {
        // A token waits exactly when the latest token held is after the watermark: every token up to the watermark
        // has gone through (or was rejected), and a token leaves the wait no other way.
        if (status.isIdle() && function().latestWaiting() > watermark) {
            return;
        }
        super.processWatermarkStatus(status);
    }
}
