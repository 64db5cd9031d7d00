package io.dpbalance.datagen.kafka;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bin/dpbalance topics describe}: partitions, replication and how many records each topic holds. */
@Command(
        name = "describe",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "For each topic: partitions, replication factor, records held (end minus start offsets, "
                    + "summed over partitions) and each partition's end offset.",
            "Exit code 1 when a topic does not exist."
        })
final class DescribeTopicsCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka;

    @Option(
            names = "--prefix",
            paramLabel = "PREFIX",
            defaultValue = "",
            description = "Describe the spec topics under this prefix (as given to `topics create --prefix`).")
    String prefix;

    @Parameters(
            paramLabel = "TOPIC",
            arity = "0..*",
            description = "Topics to describe, by full name. Default: the spec's seven topics.")
    List<String> topics = new ArrayList<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        List<String> names =
                topics.isEmpty() ? SpecTopics.ALL.stream().map(t -> prefix + t).toList() : topics;
        PrintWriter out = spec.commandLine().getOut();
        try (Admin admin = kafka.admin()) {
            Map<String, TopicDescription> existing = Topics.describeExisting(admin, kafka, names);
            List<TopicPartition> partitions = existing.values().stream()
                    .flatMap(d -> d.partitions().stream().map(p -> new TopicPartition(d.name(), p.partition())))
                    .toList();
            Map<TopicPartition, Long> start = offsets(admin, partitions, OffsetSpec.earliest());
            Map<TopicPartition, Long> end = offsets(admin, partitions, OffsetSpec.latest());

            int width =
                    Math.max(5, names.stream().mapToInt(String::length).max().orElse(0));
            String row = "%-" + width + "s  %10s  %11s  %10s  %s%n";
            out.printf(row, "topic", "partitions", "replication", "records", "end offsets by partition");
            int missing = 0;
            for (String name : names) {
                TopicDescription d = existing.get(name);
                if (d == null) {
                    missing++;
                    out.printf(row, name, "-", "-", "-", "(missing)");
                    continue;
                }
                List<TopicPartition> tps = d.partitions().stream()
                        .map(p -> new TopicPartition(name, p.partition()))
                        .toList();
                long records = tps.stream()
                        .mapToLong(tp -> end.get(tp) - start.get(tp))
                        .sum();
                out.printf(
                        row,
                        name,
                        d.partitions().size(),
                        d.partitions().get(0).replicas().size(),
                        records,
                        tps.stream().map(tp -> Long.toString(end.get(tp))).collect(Collectors.joining(" ")));
            }
            if (missing > 0) {
                spec.commandLine()
                        .getErr()
                        .printf(
                                "%d of %d topics do not exist on %s%s%n",
                                missing,
                                names.size(),
                                kafka.bootstrap(),
                                topics.isEmpty()
                                        ? "; create them with: bin/dpbalance topics create"
                                                + (prefix.isEmpty() ? "" : " --prefix " + prefix)
                                        : "");
                return 1;
            }
            return 0;
        }
    }

    private Map<TopicPartition, Long> offsets(Admin admin, List<TopicPartition> partitions, OffsetSpec which) {
        if (partitions.isEmpty()) {
            return Map.of();
        }
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(tp -> request.put(tp, which));
        Map<TopicPartition, ListOffsetsResultInfo> result =
                kafka.await(admin.listOffsets(request).all(), "reading partition offsets");
        Map<TopicPartition, Long> offsets = new HashMap<>();
        result.forEach((tp, info) -> offsets.put(tp, info.offset()));
        return offsets;
    }
}
