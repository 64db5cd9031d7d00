package io.dpbalance.datagen.kafka;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bin/dpbalance topics create}: makes whichever spec topics are missing. Topics that exist are reported and left
 * alone, so the command can run before every job start; a partition count other than the one asked is only warned
 * about, since changing it would move keys to other partitions.
 */
@Command(
        name = "create",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Create the spec's topics that do not exist yet; report those that do.",
            "Exit code 0 when every topic exists afterwards (a partition count other than the one asked is only "
                    + "a warning), 1 when one could not be created, 2 on a bad option."
        },
        footerHeading = "%nTopics (docs/design.md §6):%n")
final class CreateTopicsCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka;

    @Option(
            names = "--partitions",
            paramLabel = "N",
            defaultValue = "4",
            description = "Partitions of each topic without a --partitions-for. Default ${DEFAULT-VALUE}.")
    int partitions;

    @Option(
            names = "--partitions-for",
            paramLabel = "TOPIC=N",
            split = ",",
            description = "Partitions of one topic, by its spec name (without --prefix), e.g. "
                    + "--partitions-for dp.token-events=8. Repeat it, or separate with commas.")
    Map<String, Integer> partitionsFor = new LinkedHashMap<>();

    @Option(
            names = "--replication-factor",
            paramLabel = "N",
            defaultValue = "1",
            description = "Replicas of each partition (at most the number of brokers). Default ${DEFAULT-VALUE}.")
    short replicationFactor;

    @Option(
            names = "--prefix",
            paramLabel = "PREFIX",
            defaultValue = "",
            description = "Put in front of every topic name, e.g. 'test1.' makes test1.dp.requests.")
    String prefix;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Map<String, Integer> wanted = wantedPartitions();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (Admin admin = kafka.admin()) {
            Map<String, TopicDescription> existing = Topics.describeExisting(admin, kafka, wanted.keySet());
            List<NewTopic> missing = new ArrayList<>();
            wanted.forEach((topic, n) -> {
                if (!existing.containsKey(topic)) {
                    missing.add(new NewTopic(topic, n, replicationFactor));
                }
            });
            Map<String, KafkaFuture<Void>> creations =
                    missing.isEmpty() ? Map.of() : admin.createTopics(missing).values();
            List<String> created = new ArrayList<>();
            List<String> createdElsewhere = new ArrayList<>();
            Map<String, Throwable> failed = new LinkedHashMap<>();
            creations.forEach((name, creation) -> {
                Throwable error = creationError(creation);
                if (error == null) {
                    created.add(name);
                } else if (error instanceof TopicExistsException) {
                    createdElsewhere.add(name);
                } else {
                    failed.put(name, error);
                }
            });
            List<String> appeared = new ArrayList<>(created);
            appeared.addAll(createdElsewhere);
            existing.putAll(Topics.awaitVisible(admin, kafka, appeared));
            for (Map.Entry<String, Integer> topic : wanted.entrySet()) {
                String name = topic.getKey();
                if (created.contains(name)) {
                    out.printf(
                            "created  %-28s %d partitions, replication factor %d%n",
                            name, topic.getValue(), replicationFactor);
                } else if (failed.containsKey(name)) {
                    err.printf(
                            "failed   %-28s %s%n",
                            name,
                            kafka.failure(failed.get(name), "creating " + name).getMessage());
                } else {
                    reportExisting(existing.get(name), topic.getValue(), out, err);
                }
            }
            out.printf(
                    "%d topics on %s: %d created, %d already existed%s%n",
                    wanted.size(),
                    kafka.bootstrap(),
                    created.size(),
                    wanted.size() - created.size() - failed.size(),
                    failed.isEmpty() ? "" : ", " + failed.size() + " failed");
            return failed.isEmpty() ? 0 : 1;
        }
    }

    /** Prefixed topic name to partition count, validating the flags before any connection is made. */
    private Map<String, Integer> wantedPartitions() {
        requirePositive(partitions, "--partitions");
        requirePositive(replicationFactor, "--replication-factor");
        Map<String, Integer> wanted = new LinkedHashMap<>();
        partitionsFor.forEach((topic, n) -> {
            SpecTopics.requireSpecTopic(topic, "--partitions-for");
            requirePositive(n, "--partitions-for " + topic);
        });
        for (String topic : SpecTopics.ALL) {
            wanted.put(prefix + topic, partitionsFor.getOrDefault(topic, partitions));
        }
        return wanted;
    }

    private static void requirePositive(int value, String flag) {
        if (value < 1) {
            throw new IllegalArgumentException(flag + " must be at least 1, not " + value);
        }
    }

    private void reportExisting(TopicDescription description, int asked, PrintWriter out, PrintWriter err) {
        int actual = description.partitions().size();
        int replicas = description.partitions().get(0).replicas().size();
        out.printf("exists   %-28s %d partitions, replication factor %d%n", description.name(), actual, replicas);
        if (actual != asked) {
            err.printf(
                    "warning: %s has %d partitions, not the %d asked; left as it is (adding partitions would "
                            + "send keys to other partitions; delete the topic to recreate it)%n",
                    description.name(), actual, asked);
        }
        if (replicas != replicationFactor) {
            err.printf(
                    "warning: %s has replication factor %d, not the %d asked; left as it is%n",
                    description.name(), replicas, replicationFactor);
        }
    }

    /** Null when the creation succeeded. */
    private static Throwable creationError(KafkaFuture<Void> creation) {
        try {
            creation.get();
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }
}
