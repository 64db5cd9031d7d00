package io.dpbalance.datagen.kafka;

import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Calls {@link Producer#send} on a thread of its own, for records handed over in batches, in the order they were
 * handed over. {@code send} costs about as much CPU per record as making and encoding the record does, so doing it
 * here lets the generating thread go on with the next records in the meantime (on two cores: ~1.2x to 1.5x the
 * throughput of sending inline; measured by {@code DecodeLogThroughput}).
 *
 * <p>The generating thread calls {@link #send}, {@link #handOver} and {@link #close}; the sender thread only sends.
 * A failure of {@code send} on the sender thread stops it; {@link #failure()} reports it to the generating thread.
 */
final class SenderThread {

    private static final int BATCH_RECORDS = 2048;
    /** Batches waiting for the sender: bounds the memory, and blocks the generator when Kafka cannot keep up. */
    private static final int QUEUED_BATCHES = 8;

    private final Producer<byte[], byte[]> producer;
    private final String[] topics;
    private final Callback[] callbacks;
    private final BlockingQueue<Batch> toSend = new ArrayBlockingQueue<>(QUEUED_BATCHES);
    private final BlockingQueue<Batch> recycled = new ArrayBlockingQueue<>(QUEUED_BATCHES + 2);
    private final Thread thread;
    private volatile RuntimeException failure;
    /** Tells the sender thread to end once the batches before it are sent. */
    private static final Batch END = new Batch(0);

    private Batch filling = new Batch(BATCH_RECORDS);

    /**
     * @param topics    topic names by {@code RecordTopic} index
     * @param callbacks the callback of each topic's sends, by the same index
     */
    SenderThread(Producer<byte[], byte[]> producer, String[] topics, Callback[] callbacks) {
        this.producer = producer;
        this.topics = topics;
        this.callbacks = callbacks;
        this.thread = new Thread(this::sendAll, "dpbalance-datagen-sender");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Queues one record; it goes to Kafka once its batch is handed over. */
    void send(int topic, byte[] key, byte[] value) {
        Batch batch = filling;
        int i = batch.size++;
        batch.topics[i] = topic;
        batch.keys[i] = key;
        batch.values[i] = value;
        if (batch.size == BATCH_RECORDS) {
            handOver();
        }
    }

    /** Passes the records queued so far to the sender thread now rather than when their batch is full. */
    void handOver() {
        if (filling.size == 0) {
            return;
        }
        put(filling);
        Batch next = recycled.poll();
        filling = next != null ? next : new Batch(BATCH_RECORDS);
    }

    /**
     * Hands over what is queued and waits until the sender thread has sent it all and ended. Afterwards
     * {@link #failure()} says whether every record was passed to the producer.
     */
    void close() {
        if (failure == null) {
            handOver();
        }
        put(END);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while handing the last records to Kafka", e);
        }
    }

    /** Why the sender thread stopped early: what {@code send} threw; null while all is well. */
    RuntimeException failure() {
        return failure;
    }

    /** Queues a batch for the sender thread; returns at once if the sender thread has ended. */
    private void put(Batch batch) {
        try {
            while (!toSend.offer(batch, 100, TimeUnit.MILLISECONDS)) {
                if (!thread.isAlive()) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while handing records to Kafka", e);
        }
    }

    private void sendAll() {
        try {
            while (true) {
                Batch batch = toSend.take();
                if (batch == END) {
                    return;
                }
                for (int i = 0; i < batch.size; i++) {
                    int topic = batch.topics[i];
                    producer.send(
                            new ProducerRecord<>(topics[topic], batch.keys[i], batch.values[i]), callbacks[topic]);
                }
                batch.clear();
                recycled.offer(batch);
            }
        } catch (InterruptedException e) {
            failure = new IllegalStateException("the Kafka sender thread was interrupted", e);
        } catch (RuntimeException e) {
            failure = e;
        }
    }

    /** Records in the order they were queued: parallel arrays, reused once sent. */
    private static final class Batch {
        final int[] topics;
        final byte[][] keys;
        final byte[][] values;
        int size;

        Batch(int capacity) {
            topics = new int[capacity];
            keys = new byte[capacity][];
            values = new byte[capacity][];
        }

        /** Drops the references to the sent records, so that they can be collected while the batch waits. */
        void clear() {
            Arrays.fill(keys, 0, size, null);
            Arrays.fill(values, 0, size, null);
            size = 0;
        }
    }
}
