package io.dpbalance.jobs.common;

import static io.dpbalance.jobs.testing.DatagenRun.datagen;
import static org.assertj.core.api.Assertions.assertThat;

import io.dpbalance.jobs.analytics.TraceAnalyticsJob;
import io.dpbalance.jobs.shadow.ShadowSchedulerJob;
import io.dpbalance.jobs.testing.KafkaBrokerExtension;
import io.dpbalance.schemas.AvroCodec;
import io.dpbalance.schemas.Codecs;
import io.dpbalance.schemas.DecodeResult;
import io.dpbalance.schemas.RankStep;
import io.dpbalance.schemas.RequestArrival;
import io.dpbalance.schemas.StepMetrics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bounded runs (issue 9): a job given {@code --bounded} over a finished log closes every step and window at the end of
 * input (the final watermark), and its end-of-run summary counts what a read_committed reader finds.
 *
 * <p>The analytics job must emit a StepMetrics for every (cluster, step) of the decode log; the shadow job must run
 * every policy until every request finished: the tokens of its StepMetrics add up to the requests' output tokens,
 * even with the default 60 s --lag and 10 min --max-hold, which reach far beyond this log's few seconds.
 */
class BoundedRunITCase {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final String IN = "bounded.";
    private static final String WORKLOAD =
            "n=120;arrival=poisson:rate=30;prompt=lognormal:mean=300,sigma=1,max=3000;output=geometric:mean=40;seed=3";
    private static final Pattern SUMMARY_LINE =
            Pattern.compile("^\\s+(\\S+)\\s+([\\d,]+) records committed", Pattern.MULTILINE);

    @TempDir
    static Path checkpoints;

    @BeforeAll
    static void produceLog() throws Exception {
        KAFKA.createTopics(3, IN + "dp.requests", IN + "dp.token-events", IN + "dp.rank-steps");
        datagen(
                "datagen",
                "decode-log",
                "--synthetic",
                WORKLOAD,
                "--ranks",
                "4",
                "--batch",
                "8",
                "--granularity",
                "both",
                "--clusters",
                "2",
                "--topic-prefix",
                IN,
                "--as-fast-as-possible",
                "--bootstrap",
                KAFKA.bootstrapServers());
    }

    @Test
    void analyticsClosesEveryStepOfAFinishedLog() throws Exception {
        String out = "a.";
        KAFKA.createTopics(2, out + "dp.step-metrics", out + "dp.window-metrics", out + "dp.dead-letter");
        String printed = run(() -> TraceAnalyticsJob.main(new String[] {
            "--bootstrap",
            KAFKA.bootstrapServers(),
            "--bounded",
            "--starting-offsets",
            "earliest",
            "--group-id",
            "bounded-analytics",
            "--parallelism",
            "2",
            "--token-events-topic",
            IN + "dp.token-events",
            "--rank-steps-topic",
            IN + "dp.rank-steps",
            "--step-metrics-topic",
            out + "dp.step-metrics",
            "--window-metrics-topic",
            out + "dp.window-metrics",
            "--dead-letter-topic",
            out + "dp.dead-letter",
            "--checkpoint-interval",
            "1s",
            "--checkpoint-dir",
            checkpoints.toUri().toString(),
            "--delivery-guarantee",
            "exactly-once"
        }));

        Set<String> logged = new TreeSet<>();
        for (RankStep step : committed(IN + "dp.rank-steps", Codecs.RANK_STEP)) {
            logged.add(step.getClusterId() + "@" + step.getStep());
        }
        List<StepMetrics> steps = committed(out + "dp.step-metrics", Codecs.STEP_METRICS);
        assertThat(steps)
                .extracting(s -> s.getClusterId() + "@" + s.getStep())
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(logged);
        assertThat(logged).hasSizeGreaterThan(100);

        assertThat(printed)
                .contains(
                        "analytics: reading " + IN + "dp.token-events, " + IN + "dp.rank-steps",
                        "analytics: finished (end of input)");
        Map<String, Long> summary = summary(printed);
        assertThat(summary)
                .containsEntry(out + "dp.step-metrics", (long) steps.size())
                .containsEntry(out + "dp.window-metrics", (long)
                        KAFKA.readCommitted(out + "dp.window-metrics").size())
                .containsEntry(out + "dp.dead-letter", 0L);
    }

    @Test
    void shadowRunsEveryPolicyUntilEveryRequestFinished() throws Exception {
        String out = "s.";
        KAFKA.createTopics(
                2, out + "dp.step-metrics", out + "dp.window-metrics", out + "dp.dead-letter", out + "dp.assignments");
        List<String> policies = List.of("vllm", "least-tokens", "bfio:h=0", "bfio:h=20");
        String printed = run(() -> ShadowSchedulerJob.main(new String[] {
            "--bootstrap",
            KAFKA.bootstrapServers(),
            "--bounded",
            "--starting-offsets",
            "earliest",
            "--group-id",
            "bounded-shadow",
            "--parallelism",
            "2",
            "--ranks",
            "4",
            "--batch",
            "8",
            "--policies",
            String.join(",", policies),
            "--requests-topic",
            IN + "dp.requests",
            "--step-metrics-topic",
            out + "dp.step-metrics",
            "--window-metrics-topic",
            out + "dp.window-metrics",
            "--dead-letter-topic",
            out + "dp.dead-letter",
            "--assignments-topic",
            out + "dp.assignments",
            "--checkpoint-interval",
            "1s",
            "--checkpoint-dir",
            checkpoints.toUri().toString()
        }));

        Map<String, Long> outputTokens = new TreeMap<>();
        long requests = 0;
        for (RequestArrival request : committed(IN + "dp.requests", Codecs.REQUEST_ARRIVAL)) {
            if (request.getOutputTokens() != null) { // the completion update: the request's output length
                outputTokens.merge(request.getClusterId(), (long) request.getOutputTokens(), Long::sum);
                requests++;
            }
        }
        assertThat(outputTokens).hasSize(2);
        List<StepMetrics> steps = committed(out + "dp.step-metrics", Codecs.STEP_METRICS);
        // policy label (the spec with its defaults filled in, e.g. bfio:h=20,lookahead=oracle) -> cluster -> tokens
        Map<String, Map<String, Long>> tokens = steps.stream()
                .collect(Collectors.groupingBy(
                        StepMetrics::getPolicy,
                        TreeMap::new,
                        Collectors.groupingBy(
                                StepMetrics::getClusterId,
                                TreeMap::new,
                                Collectors.summingLong(StepMetrics::getTokens))));
        assertThat(tokens).as("policies").hasSize(policies.size());
        assertThat(tokens.keySet())
                .allSatisfy(label ->
                        assertThat(policies).anySatisfy(p -> assertThat(label).startsWith(p)));
        tokens.forEach((policy, byCluster) -> assertThat(byCluster)
                .as("%s: tokens decoded per cluster equal the requests' output tokens (every request finished)", policy)
                .isEqualTo(outputTokens));

        assertThat(printed).contains("shadow: finished (end of input)");
        assertThat(summary(printed))
                .containsEntry(out + "dp.step-metrics", (long) steps.size())
                .containsEntry(out + "dp.assignments", policies.size() * requests);
    }

    /** Runs a job's main with System.out captured (and still shown); returns what it printed. */
    private static String run(Runnable main) {
        PrintStream original = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream tee = new PrintStream(
                new java.io.OutputStream() {
                    @Override
                    public void write(int b) {
                        bytes.write(b);
                        original.write(b);
                    }
                },
                true,
                StandardCharsets.UTF_8);
        System.setOut(tee);
        try {
            main.run();
        } finally {
            System.setOut(original);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static Map<String, Long> summary(String printed) {
        Map<String, Long> counts = new TreeMap<>();
        Matcher m = SUMMARY_LINE.matcher(printed);
        while (m.find()) {
            counts.put(m.group(1), Long.parseLong(m.group(2).replace(",", "")));
        }
        return counts;
    }

    private static <T extends SpecificRecord> List<T> committed(String topic, AvroCodec<T> codec) throws Exception {
        List<T> values = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : KAFKA.readCommitted(topic)) {
            DecodeResult<T> result = codec.decode(record.value());
            assertThat(result.isDecoded())
                    .as("%s offset %d", topic, record.offset())
                    .isTrue();
            values.add(((DecodeResult.Decoded<T>) result).value());
        }
        return values;
    }
}
