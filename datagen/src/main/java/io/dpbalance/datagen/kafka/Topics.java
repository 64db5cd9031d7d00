package io.dpbalance.datagen.kafka;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Admin look-ups shared by the topics commands. */
final class Topics {

    private Topics() {}

    /** Descriptions of those of {@code names} that exist; a missing topic is simply absent from the map. */
    static Map<String, TopicDescription> describeExisting(Admin admin, KafkaOptions kafka, Collection<String> names) {
        Map<String, TopicDescription> existing = new LinkedHashMap<>();
        Map<String, KafkaFuture<TopicDescription>> futures =
                admin.describeTopics(names).topicNameValues();
        for (String name : names) {
            try {
                existing.put(name, futures.get(name).get());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw kafka.failure(e.getCause(), "describing " + name);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while describing topics", e);
            }
        }
        return existing;
    }

    /**
     * Waits until the broker's metadata shows every one of {@code names} and returns their descriptions. A topic the
     * controller has just created reaches the brokers' metadata a moment later; until then describing or producing to
     * it fails, so the commands return only once the topics are usable.
     */
    static Map<String, TopicDescription> awaitVisible(Admin admin, KafkaOptions kafka, Collection<String> names) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(kafka.timeoutSeconds);
        while (true) {
            Map<String, TopicDescription> visible = describeExisting(admin, kafka, names);
            if (visible.size() == names.size()) {
                return visible;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("created "
                        + names.stream().filter(n -> !visible.containsKey(n)).toList()
                        + " but the broker at " + kafka.bootstrap() + " still does not show them after "
                        + kafka.timeoutSeconds + " s");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for new topics", e);
            }
        }
    }
}
