package io.dpbalance.jobs.analytics;

import static io.dpbalance.jobs.analytics.LogFixtures.T0;
import static io.dpbalance.jobs.analytics.LogFixtures.rankStep;
import static io.dpbalance.jobs.analytics.LogFixtures.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dpbalance.schemas.RankStep;
import io.dpbalance.schemas.TokenEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The job's batch mode through its command line: Avro container files in, JSON lines out. */
class TraceAnalyticsBatchITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    @TempDir
    Path dir;

    @SafeVarargs
    private static <T extends SpecificRecord> void write(Path file, Class<T> type, T... records) throws IOException {
        try (DataFileWriter<T> out = new DataFileWriter<>(new SpecificDatumWriter<>(type))) {
            out.create(records[0].getSchema(), file.toFile());
            for (T record : records) {
                out.append(record);
            }
        }
    }

    private static List<JsonNode> lines(Path topicDir) throws IOException {
        List<JsonNode> nodes = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        try (Stream<Path> parts = Files.list(topicDir)) {
            for (Path part : parts.filter(p -> p.toString().endsWith(".jsonl")).toList()) {
                for (String line : Files.readAllLines(part)) {
                    nodes.add(json.readTree(line));
                }
            }
        }
        return nodes;
    }

    @Test
    void readsAvroContainerFilesAndWritesJsonLines() throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        Path out = dir.resolve("out");
        write(
                in.resolve("dp.token-events.avro"),
                TokenEvent.class,
                token("a", 0, 1, "a1", T0, 10, false),
                token("a", 1, 1, "a2", T0, 4, false),
                token("a", 0, 2, "a1", T0 + 20, 11, false),
                token("a", 1, 2, "a2", T0 + 20, -5, false));
        write(
                in.resolve("dp.rank-steps.avro"),
                RankStep.class,
                rankStep("b", 0, 1, T0, 2, 100, null, null),
                rankStep("b", 3, 1, T0, 1, 50, null, null));

        TraceAnalyticsJob.main(new String[] {
            "--input-files",
            in.toString(),
            "--output-files",
            out.toString(),
            "--roster",
            "b=2",
            "--out-of-orderness",
            "1s",
            "--max-step-spread",
            "100ms",
            "--parallelism",
            "2"
        });

        List<JsonNode> steps = new ArrayList<>(lines(out.resolve("dp.step-metrics")));
        steps.sort(Comparator.comparing((JsonNode n) -> n.get("cluster_id").asText())
                .thenComparing(n -> n.get("step").asLong()));
        assertThat(steps)
                .extracting(
                        n -> n.get("cluster_id").asText(),
                        n -> n.get("step").asLong(),
                        n -> n.get("imbalance").asLong(),
                        n -> n.get("step_start").asLong(),
                        n -> n.get("policy").asText())
                .containsExactly(
                        tuple("a", 1L, 6L, T0, "observed"),
                        tuple("a", 2L, 11L, T0 + 20, "observed"),
                        tuple("b", 1L, 100L, T0, "observed"));
        assertThat(steps.get(0).get("time_idle_fraction").isNull()).isTrue();
        assertThat(lines(out.resolve("dp.window-metrics")))
                .extracting(
                        n -> n.get("cluster_id").asText(),
                        n -> n.get("steps").asLong(),
                        n -> n.get("missing_rank_steps").asLong())
                // a's rank 1 has no valid record in step 2 (its token is a dead letter); b's roster has 2 ranks
                .containsExactlyInAnyOrder(tuple("a", 2L, 1L), tuple("b", 1L, 1L));
        assertThat(lines(out.resolve("dp.dead-letter")))
                .extracting(
                        n -> n.get("reason").asText().split(":")[0],
                        n -> n.get("partition").asInt(),
                        n -> n.get("offset").asLong())
                .containsExactlyInAnyOrder(tuple("NEGATIVE_COUNT", -1, 3L), tuple("RANK_OUTSIDE_ROSTER", -1, 1L));
    }
}
