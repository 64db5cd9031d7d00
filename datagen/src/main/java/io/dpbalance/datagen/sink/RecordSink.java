package io.dpbalance.datagen.sink;

import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/**
 * Where generated records go: Kafka topics or files. A sink is opened for a fixed list of topics and written from one
 * thread; {@link #written()} may be read from any thread (progress, tests).
 */
public interface RecordSink extends AutoCloseable {

    /**
     * Writes one record of one of the sink's topics. The sink is done with {@code record} when this returns, so
     * generators reuse one record object per topic instead of allocating one per record.
     *
     * @param key the record's Kafka key: UTF-8 bytes of {@code cluster_id} or {@code cluster_id/rank} (docs/design.md §6)
     * @throws IllegalStateException if the sink cannot take more records (Kafka refused an earlier one, a file
     *                               cannot be written)
     */
    <T extends SpecificRecord> void write(RecordTopic<T> topic, byte[] key, T record);

    /**
     * Called when the generator is about to wait for its next record (paced generation): a sink that buffers records
     * on their way passes them on now, so that they are not held back until the next write.
     */
    default void beforeIdle() {}

    /** Records handed to {@link #write} so far, over all topics. */
    long written();

    /**
     * Flushes and closes; afterwards {@link #counts()} is final. Safe to call twice.
     *
     * @throws IllegalStateException if buffered records could not be stored
     */
    @Override
    void close();

    /** Per topic, in the order the sink was opened with: what was stored (Kafka: acknowledged) so far. */
    List<TopicCount> counts();

    /** Where the records go, for the summary: the bootstrap servers or the directory. */
    String destination();
}
