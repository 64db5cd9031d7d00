package io.dpbalance.jobs.analytics;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongPredicate;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * A source that passes another source's records on and fails one of its readers once, mid-stream, after a completed
 * checkpoint. The first reader to have emitted {@code records} records holds every reader of the source back until a
 * checkpoint taken meanwhile has completed: that checkpoint holds a position in the middle of the input, and it
 * completes soon, the job having drained meanwhile. All go on; the failing reader throws when the next checkpoint
 * is triggered (given a readiness condition, the first one at which the condition holds; earlier ones go on), in
 * its snapshot, so that this checkpoint cannot complete and the output of the interval in between
 * stays in open transactions; should no checkpoint be triggered before it has emitted twice {@code records} more, it
 * throws then. Readers of the restarted job pass everything on. What happened is kept in this JVM (the MiniCluster runs in
 * it) and read with {@link #failures()}, {@link #checkpointBeforeFailure()} and {@link #recordsEmitted()}.
 *
 * @param <T> the records
 */
final class FailOnceSource<T, SplitT extends SourceSplit, EnumChkT>
        implements Source<T, SplitT, EnumChkT>, ResultTypeQueryable<T> {

    /** Thrown by the failing reader. */
    static final class InjectedFailure extends RuntimeException {
        InjectedFailure(String message) {
            super(message);
        }
    }

    /** What the readers of one source did, across restarts. */
    private static final class Injection {
        final AtomicBoolean claimed = new AtomicBoolean();
        /** Completed when the readers held back by the failing one may go on; null until then. */
        volatile CompletableFuture<Void> holdBack;

        final AtomicInteger failures = new AtomicInteger();
        final AtomicLong checkpointBeforeFailure = new AtomicLong(-1);
        final AtomicLong recordsEmitted = new AtomicLong();
        /** Given the last completed checkpoint: whether failing now throws output away; null: fail at once. */
        volatile LongPredicate readyToFail;
    }

    private static final Map<String, Injection> INJECTIONS = new ConcurrentHashMap<>();

    private final String id = UUID.randomUUID().toString();
    private final Source<T, SplitT, EnumChkT> source;
    private final TypeInformation<T> type;
    private final long records;

    FailOnceSource(Source<T, SplitT, EnumChkT> source, long records) {
        this(source, records, null);
    }

    /**
     * As above, but the failing reader fails only once {@code readyToFail}, given the last checkpoint it saw complete,
     * says yes (e.g. output was written in transactions no completed checkpoint commits); until then checkpoints go on.
     * It is asked in the reader's thread; it lives in this JVM only.
     */
    FailOnceSource(Source<T, SplitT, EnumChkT> source, long records, LongPredicate readyToFail) {
        this.source = source;
        @SuppressWarnings("unchecked") // the Kafka and generator sources know their type
        TypeInformation<T> produced = ((ResultTypeQueryable<T>) source).getProducedType();
        this.type = produced;
        this.records = records;
        Injection injection = new Injection();
        injection.readyToFail = readyToFail;
        INJECTIONS.put(id, injection);
    }

    /** How many times a reader threw {@link InjectedFailure}. */
    int failures() {
        return INJECTIONS.get(id).failures.get();
    }

    /** The last checkpoint the failing reader saw complete before it failed, or -1. */
    long checkpointBeforeFailure() {
        return INJECTIONS.get(id).checkpointBeforeFailure.get();
    }

    /** Records emitted by every reader of every attempt: those read again after the restore count twice. */
    long recordsEmitted() {
        return INJECTIONS.get(id).recordsEmitted.get();
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return type;
    }

    @Override
    public Boundedness getBoundedness() {
        return source.getBoundedness();
    }

    @Override
    public SourceReader<T, SplitT> createReader(SourceReaderContext context) throws Exception {
        return new Reader(source.createReader(context), INJECTIONS.get(id));
    }

    @Override
    public SplitEnumerator<SplitT, EnumChkT> createEnumerator(SplitEnumeratorContext<SplitT> context) throws Exception {
        return source.createEnumerator(context);
    }

    @Override
    public SplitEnumerator<SplitT, EnumChkT> restoreEnumerator(
            SplitEnumeratorContext<SplitT> context, EnumChkT checkpoint) throws Exception {
        return source.restoreEnumerator(context, checkpoint);
    }

    @Override
    public SimpleVersionedSerializer<SplitT> getSplitSerializer() {
        return source.getSplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<EnumChkT> getEnumeratorCheckpointSerializer() {
        return source.getEnumeratorCheckpointSerializer();
    }

    private enum Phase {
        PASSING,
        WAITING_FOR_CHECKPOINT,
        FAILING
    }

    private final class Reader implements SourceReader<T, SplitT> {

        private final SourceReader<T, SplitT> reader;
        private final Injection injection;
        private Phase phase = Phase.PASSING;
        private long emitted;
        private long emittedAfterWaiting;
        /** The first checkpoint taken while waiting: it holds every record emitted before the wait. */
        private long checkpointWhileWaiting = -1;

        private ReaderOutput<T> output;
        private CountingReaderOutput counting;

        Reader(SourceReader<T, SplitT> reader, Injection injection) {
            this.reader = reader;
            this.injection = injection;
        }

        @Override
        public InputStatus pollNext(ReaderOutput<T> readerOutput) throws Exception {
            if (heldBack()) {
                return InputStatus.NOTHING_AVAILABLE;
            }
            if (phase == Phase.FAILING && emittedAfterWaiting >= 2 * records && ready()) {
                throw failure();
            }
            InputStatus status = reader.pollNext(counting(readerOutput));
            if (phase == Phase.PASSING
                    && status != InputStatus.END_OF_INPUT
                    && emitted >= records
                    && injection.claimed.compareAndSet(false, true)) {
                phase = Phase.WAITING_FOR_CHECKPOINT;
                injection.holdBack = new CompletableFuture<>();
                return InputStatus.NOTHING_AVAILABLE;
            }
            return status;
        }

        private boolean heldBack() {
            CompletableFuture<Void> holdBack = injection.holdBack;
            return holdBack != null && !holdBack.isDone();
        }

        private boolean ready() {
            LongPredicate ready = injection.readyToFail;
            return ready == null || ready.test(injection.checkpointBeforeFailure.get());
        }

        private InjectedFailure failure() {
            injection.failures.incrementAndGet();
            return new InjectedFailure("injected failure after " + emitted + " records and checkpoint "
                    + injection.checkpointBeforeFailure.get());
        }

        /** The split outputs a reader creates stay with the first output it is given: wrap that one once. */
        private ReaderOutput<T> counting(ReaderOutput<T> readerOutput) {
            if (output != readerOutput) {
                output = readerOutput;
                counting = new CountingReaderOutput(readerOutput);
            }
            return counting;
        }

        private void counted() {
            emitted++;
            injection.recordsEmitted.incrementAndGet();
            if (phase == Phase.FAILING) {
                emittedAfterWaiting++;
            }
        }

        @Override
        public CompletableFuture<Void> isAvailable() {
            return heldBack() ? injection.holdBack : reader.isAvailable();
        }

        @Override
        public List<SplitT> snapshotState(long checkpointId) {
            if (phase == Phase.WAITING_FOR_CHECKPOINT && checkpointWhileWaiting < 0) {
                checkpointWhileWaiting = checkpointId;
            } else if (phase == Phase.FAILING && ready()) {
                throw failure();
            }
            return reader.snapshotState(checkpointId);
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) throws Exception {
            reader.notifyCheckpointComplete(checkpointId);
            if (phase == Phase.WAITING_FOR_CHECKPOINT
                    && checkpointWhileWaiting >= 0
                    && checkpointId >= checkpointWhileWaiting) {
                phase = Phase.FAILING;
                injection.holdBack.complete(null);
            }
            if (phase == Phase.FAILING) {
                injection.checkpointBeforeFailure.set(checkpointId);
            }
        }

        @Override
        public void notifyCheckpointAborted(long checkpointId) throws Exception {
            reader.notifyCheckpointAborted(checkpointId);
        }

        @Override
        public void start() {
            reader.start();
        }

        @Override
        public void addSplits(List<SplitT> splits) {
            reader.addSplits(splits);
        }

        @Override
        public void notifyNoMoreSplits() {
            reader.notifyNoMoreSplits();
        }

        @Override
        public void handleSourceEvents(SourceEvent event) {
            reader.handleSourceEvents(event);
        }

        @Override
        public void pauseOrResumeSplits(Collection<String> toPause, Collection<String> toResume) {
            reader.pauseOrResumeSplits(toPause, toResume);
        }

        @Override
        public void close() throws Exception {
            reader.close();
        }

        /** Counts what the reader emits through one output. */
        private class CountingOutput<O extends SourceOutput<T>> implements SourceOutput<T> {

            final O out;

            CountingOutput(O out) {
                this.out = out;
            }

            @Override
            public void collect(T record) {
                out.collect(record);
                counted();
            }

            @Override
            public void collect(T record, long timestamp) {
                out.collect(record, timestamp);
                counted();
            }

            @Override
            public void emitWatermark(Watermark watermark) {
                out.emitWatermark(watermark);
            }

            @Override
            public void markIdle() {
                out.markIdle();
            }

            @Override
            public void markActive() {
                out.markActive();
            }
        }

        /** Counts what the reader emits through its main output and through the per-split outputs it makes. */
        private final class CountingReaderOutput extends CountingOutput<ReaderOutput<T>> implements ReaderOutput<T> {

            CountingReaderOutput(ReaderOutput<T> out) {
                super(out);
            }

            @Override
            public SourceOutput<T> createOutputForSplit(String splitId) {
                return new CountingOutput<>(out.createOutputForSplit(splitId));
            }

            @Override
            public void releaseOutputForSplit(String splitId) {
                out.releaseOutputForSplit(splitId);
            }
        }
    }
}
