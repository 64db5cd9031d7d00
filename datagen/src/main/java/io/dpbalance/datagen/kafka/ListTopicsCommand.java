package io.dpbalance.datagen.kafka;

import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code bin/dpbalance topics list}: every topic of the cluster, one name a line, for scripts. */
@Command(
        name = "list",
        mixinStandardHelpOptions = true,
        description = "Print the name of every topic on the cluster (Kafka's internal topics left out), one a line.")
final class ListTopicsCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        try (Admin admin = kafka.admin()) {
            Set<String> names = new TreeSet<>(kafka.await(admin.listTopics().names(), "listing topics"));
            names.forEach(spec.commandLine().getOut()::println);
            return 0;
        }
    }
}
