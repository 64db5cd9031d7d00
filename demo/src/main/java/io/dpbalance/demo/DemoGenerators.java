package io.dpbalance.demo;

import io.dpbalance.datagen.generate.ArrivalReplay;
import io.dpbalance.datagen.generate.DecodeLog;
import io.dpbalance.datagen.generate.DecodeLogSettings;
import io.dpbalance.datagen.generate.Generation;
import io.dpbalance.datagen.generate.Generator;
import io.dpbalance.datagen.kafka.KafkaOptions;
import io.dpbalance.datagen.kafka.KafkaRecordSink;
import io.dpbalance.engine.trace.Workload;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The demo's input, paced in real time from one time 0: production's decode log (the datagen's decode-log generator:
 * the engine simulating the observed cluster) and the same requests replayed as arrivals for the shadow (the datagen's
 * replay generator). Each runs on its own thread into its own producer.
 */
final class DemoGenerators implements AutoCloseable {

    private final List<Generation> generations = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();

    /**
     * @param log where the generators' summaries go at the end
     */
    DemoGenerators(
            Workload workload,
            List<String> clusters,
            DecodeLogSettings production,
            String bootstrap,
            String prefix,
            PrintWriter log) {
        Instant start = Instant.ofEpochMilli(System.currentTimeMillis());
        add("decode-log", new DecodeLog(workload, clusters, production, start), bootstrap, prefix, log);
        add("replay", new ArrivalReplay(workload, clusters, start), bootstrap, prefix + DemoTopics.SHADOW_INPUT, log);
    }

    private void add(String label, Generator generator, String bootstrap, String prefix, PrintWriter log) {
        KafkaRecordSink sink = KafkaRecordSink.open(KafkaOptions.of(bootstrap), prefix, generator.topics(), Map.of());
        Generation generation = new Generation(label, generator, sink, true, log);
        generations.add(generation);
        Thread thread = new Thread(
                () -> {
                    try {
                        generation.run(false);
                    } catch (RuntimeException e) {
                        failure.compareAndSet(null, e);
                    }
                },
                "dpbalance-demo-" + label);
        thread.setDaemon(true);
        threads.add(thread);
    }

    void start() {
        threads.forEach(Thread::start);
    }

    /** Records handed to the producers so far. */
    long written() {
        return generations.stream().mapToLong(Generation::written).sum();
    }

    /** Whether both generators have written everything (the workload is used up). */
    boolean finished() {
        return threads.stream().noneMatch(Thread::isAlive);
    }

    /** What a generator threw, if one failed. */
    RuntimeException failure() {
        return failure.get();
    }

    /** Stops both and waits until their producers have delivered what they were given. */
    @Override
    public void close() {
        generations.forEach(Generation::stopAndAwait);
        for (Thread thread : threads) {
            try {
                thread.join(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
