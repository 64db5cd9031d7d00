package io.dpbalance.jobs.analytics;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Batch execution's combiner, chained to what makes the {@link RankLoad}s (as MapReduce combines before its shuffle):
 * consecutive shares of the same (cluster, step) leave as one partial {@link StepLoads}, so that the shuffle to the
 * step metrics carries one record per run of a step instead of one per rank. A decode log writes a step's ranks
 * together, so a run is usually the whole step.
 *
 * <p>A partial only groups: its {@code ranks} are the shares as they came (a rank may be there twice, a repeat or two
 * token shares), and its {@code stepStart} is their earliest time. {@link StepPartials} adds up a step's partials and
 * closes its step window by the step window's rules, whatever partials the step came in and in whatever order. A
 * partial goes out when a share of another step comes, before a watermark is forwarded, before a checkpoint barrier, at
 * the end of the input, and at {@link #MAX_SHARES} shares (a log that repeats one step's records without end).
 */
final class StepLoadCombiner extends AbstractStreamOperator<StepLoads>
        implements OneInputStreamOperator<RankLoad, StepLoads>, BoundedOneInput {

    static final int MAX_SHARES = 4096;

    private transient List<RankLoad> run;
    private transient long time;
    private transient StreamRecord<StepLoads> reuse;

    @Override
    public void open() throws Exception {
        super.open();
        run = new ArrayList<>();
        reuse = new StreamRecord<>(null);
    }

    @Override
    public void processElement(StreamRecord<RankLoad> element) {
        // Each share is a new object (the loads and the fold make one per record), so the run may hold it.
        RankLoad load = element.getValue();
        if (!run.isEmpty()) {
            RankLoad first = run.get(0);
            if (first.step != load.step || !first.clusterId.equals(load.clusterId)) {
                emitRun();
            }
        }
        if (run.isEmpty()) {
            time = load.time;
        }
        run.add(load);
        time = Math.min(time, load.time);
        if (run.size() >= MAX_SHARES) {
            emitRun();
        }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        emitRun();
        super.processWatermark(mark);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        emitRun();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void endInput() {
        emitRun();
    }

    @Override
    public void finish() throws Exception {
        emitRun();
        super.finish();
    }

    /** The run goes out timestamped with its earliest share's time. */
    private void emitRun() {
        if (run.isEmpty()) {
            return;
        }
        RankLoad first = run.get(0);
        StepLoads partial = StepLoads.of(first.clusterId, first.step, time, run.toArray(new RankLoad[0]));
        run.clear();
        output.collect(reuse.replace(partial, partial.stepStart));
    }
}
