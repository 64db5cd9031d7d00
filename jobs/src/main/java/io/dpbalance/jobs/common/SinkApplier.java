package io.dpbalance.jobs.common;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSink;

/**
 * Where one output stream of a job goes, as the Flink cookbook's sink appliers: a Kafka topic or files
 * ({@link JobConnectors#sink}), a test's collecting sink ({@link #of}), or nowhere ({@link #discard}). A job's
 * {@code defineWorkflow} takes one per output, never null, and gives the sink it adds its uid and name.
 *
 * @param <T> the output's records
 */
@FunctionalInterface
public interface SinkApplier<T> {

    /** Adds this output's sink to {@code stream}. */
    DataStreamSink<T> applyTo(DataStream<T> stream);

    /** Whether the output is written at all: for a discarded one the workflow adds no operator. */
    default boolean writes() {
        return true;
    }

    /** Writes the stream into {@code sink}. */
    static <T> SinkApplier<T> of(Sink<T> sink) {
        return stream -> stream.sinkTo(sink);
    }

    /** An output the run does not write (--no-step-metrics, --no-assignments). */
    static <T> SinkApplier<T> discard() {
        return new SinkApplier<>() {
            @Override
            public DataStreamSink<T> applyTo(DataStream<T> stream) {
                throw new IllegalStateException("a discarded output has no sink");
            }

            @Override
            public boolean writes() {
                return false;
            }
        };
    }

    /** Sinks {@code stream} into {@code output} under the sink's stable uid and name; nothing for a discarded one. */
    static <T> void write(DataStream<T> stream, SinkApplier<T> output, String uid, String name) {
        if (output.writes()) {
            output.applyTo(stream).uid(uid).name(name);
        }
    }
}
