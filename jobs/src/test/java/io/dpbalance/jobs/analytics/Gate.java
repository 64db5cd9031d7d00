package io.dpbalance.jobs.analytics;

import java.io.Serializable;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.common.functions.FilterFunction;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiter;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;

/**
 * Orders a test's records after something the pipeline did: a source holds records back (a rate limiter, which waits
 * without blocking the source task, so its watermarks keep flowing) until a sink has been given a record that shows
 * the pipeline got there. Lives in this JVM, as the MiniCluster does.
 */
final class Gate implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final Map<String, CompletableFuture<Void>> OPENED = new ConcurrentHashMap<>();

    private final String id = UUID.randomUUID().toString();

    Gate() {
        OPENED.put(id, new CompletableFuture<>());
    }

    /**
     * A rate limiter that lets the first {@code records} through at once and the rest once the gate is open. A permit is
     * a record for the readers of {@link org.apache.flink.connector.datagen.source.DataGeneratorSource}: they ask for one
     * before each record, and not before their split has come.
     */
    RateLimiterStrategy<?> passingFirst(int records) {
        String gate = id;
        return parallelism -> new RateLimiter<>() {
            private int passed;

            @Override
            public CompletionStage<Void> acquire(int permits) {
                passed += permits;
                return passed <= records ? CompletableFuture.completedFuture(null) : OPENED.get(gate);
            }
        };
    }

    /** The sink, which opens the gate when it is given a record that {@code opens} accepts. */
    <T> Sink<T> openedBy(Sink<T> sink, FilterFunction<T> opens) {
        String gate = id;
        return new Sink<>() {
            @Override
            public SinkWriter<T> createWriter(WriterInitContext context) throws java.io.IOException {
                SinkWriter<T> writer = sink.createWriter(context);
                return new SinkWriter<>() {
                    @Override
                    public void write(T element, Context writeContext)
                            throws java.io.IOException, InterruptedException {
                        writer.write(element, writeContext);
                        try {
                            if (opens.filter(element)) {
                                OPENED.get(gate).complete(null);
                            }
                        } catch (Exception e) {
                            throw new IllegalStateException("gate condition failed on " + element, e);
                        }
                    }

                    @Override
                    public void flush(boolean endOfInput) throws java.io.IOException, InterruptedException {
                        writer.flush(endOfInput);
                    }

                    @Override
                    public void close() throws Exception {
                        writer.close();
                    }
                };
            }
        };
    }
}
