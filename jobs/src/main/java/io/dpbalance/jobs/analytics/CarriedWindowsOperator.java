package io.dpbalance.jobs.analytics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;

/**
 * The previous state layout's window operator (uid {@code window-metrics}, keyed by (cluster, policy)), kept on the
 * late-records path in front of {@link StepMetricsFunction}, which now rolls the windows up itself. A savepoint of that
 * layout holds the open windows' aggregates here (MapState "windows") and a timer at each one's close. On restoring
 * one, this operator hands every window downstream as a carried {@link StepOutcome} and forgets it, before it forwards
 * anything else; the restored timers fire into nothing. Started afresh (or from a savepoint of today's layout, taken
 * after the hand-over) it holds nothing and only forwards the late-record counts.
 *
 * <p>Why the carried windows always reach {@link StepMetricsFunction} before it can close them: its watermark is the
 * minimum over its two inputs, and the late-records input's watermark is the minimum over every channel from a subtask
 * of this operator; each channel starts at no watermark (Long.MIN_VALUE) and active, and leaves that only with a
 * watermark or an idle status from its subtask. Each subtask sends its carried windows first, before its first record,
 * watermark or idle status, and a channel delivers in order; so until every carried window has arrived, the step
 * operator's watermark stays at Long.MIN_VALUE and none of its timers fires: no step is handled and no window closes.
 * A carried window is thus merged into its window before anything else is added to it (exactly: into an empty
 * aggregate), and it is never late.
 */
final class CarriedWindowsOperator extends AbstractStreamOperator<StepOutcome>
        implements OneInputStreamOperator<StepOutcome, StepOutcome>, Triggerable<String, VoidNamespace> {

    /** The state of the windows, by start: the descriptor of the previous layout's window operator. */
    static MapStateDescriptor<Long, WindowAggregate> windowsDescriptor() {
        return new MapStateDescriptor<>("windows", Types.LONG, TypeInformation.of(WindowAggregate.class));
    }

    private transient MapState<Long, WindowAggregate> windows;
    private transient boolean restored;
    private transient boolean handedOver;

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        restored = context.isRestored();
    }

    @Override
    public void open() throws Exception {
        super.open();
        windows = getKeyedStateStore().getMapState(windowsDescriptor());
        // The previous layout's timers ("user-timers", one at each window's close) restore into this service and fire
        // into onEventTime, which has nothing left to do; so they leave the state.
        getInternalTimerService("user-timers", VoidNamespaceSerializer.INSTANCE, this);
    }

    @Override
    public void processElement(StreamRecord<StepOutcome> element) throws Exception {
        handOver();
        output.collect(element);
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        handOver();
        super.processWatermark(mark);
    }

    @Override
    public void processWatermarkStatus(WatermarkStatus status) throws Exception {
        handOver();
        super.processWatermarkStatus(status);
    }

    /** Sends every restored window downstream and forgets it: once, before the first thing this operator forwards. */
    private void handOver() throws Exception {
        if (handedOver) {
            return;
        }
        handedOver = true;
        if (!restored) {
            return;
        }
        Object current = getCurrentKey();
        List<String> keys = new ArrayList<>();
        try (var stream =
                this.<String>getKeyedStateBackend().getKeys(windowsDescriptor().getName(), VoidNamespace.INSTANCE)) {
            stream.forEach(keys::add);
        }
        for (String key : keys) {
            setCurrentKey(key);
            for (Map.Entry<Long, WindowAggregate> window : windows.entries()) {
                output.collect(new StreamRecord<>(StepOutcome.carried(window.getKey(), window.getValue())));
            }
            windows.clear();
        }
        if (current != null) {
            setCurrentKey(current);
        }
    }

    @Override
    public void onEventTime(InternalTimer<String, VoidNamespace> timer) {}

    @Override
    public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) {}
}
