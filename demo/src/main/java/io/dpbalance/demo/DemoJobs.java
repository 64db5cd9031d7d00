package io.dpbalance.demo;

import io.dpbalance.jobs.analytics.AnalyticsSettings;
import io.dpbalance.jobs.analytics.TraceAnalyticsJob;
import io.dpbalance.jobs.common.SinkApplier;
import io.dpbalance.jobs.io.KafkaConnectors;
import io.dpbalance.jobs.shadow.ShadowSchedulerJob;
import io.dpbalance.jobs.shadow.ShadowSettings;
import io.dpbalance.schemas.Assignment;
import io.dpbalance.schemas.DeadLetter;
import io.dpbalance.schemas.StepMetrics;
import io.dpbalance.schemas.WindowMetrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The analytics job and the shadow job, wired by their own {@code defineWorkflow} methods to the demo's topics, each
 * on an embedded Flink MiniCluster in this JVM, with exactly-once Kafka output committed on every checkpoint. At the
 * end each is stopped with a savepoint, which commits the output of its last transactions.
 */
final class DemoJobs implements AutoCloseable {

    /** Kafka transactions must time out below the broker's maximum (15 min) and well above the checkpoint interval. */
    private static final long TRANSACTION_TIMEOUT_MS = Duration.ofMinutes(5).toMillis();

    private final List<JobClient> clients = new ArrayList<>();
    private final List<String> names = new ArrayList<>();
    private final Path stateDir;

    DemoJobs(Path stateDir) {
        this.stateDir = stateDir.toAbsolutePath();
    }

    /** Submits the analytics job: production's decode log (rank-steps, token events) to observed step/window metrics. */
    void startAnalytics(
            String bootstrap, String prefix, AnalyticsSettings settings, Duration checkpointInterval, String runId)
            throws Exception {
        StreamExecutionEnvironment env = environment("analytics", checkpointInterval);
        String group = "dpbalance-demo-analytics-" + runId;
        String tx = "dpbalance-demo-analytics-" + runId;
        TraceAnalyticsJob.defineWorkflow(
                env,
                settings,
                KafkaConnectors.source(
                        bootstrap,
                        prefix + DemoTopics.TOKEN_EVENTS,
                        group,
                        OffsetsInitializer.earliest(),
                        false,
                        new Properties(),
                        TraceAnalyticsJob.tokenEventDecoder(settings)),
                KafkaConnectors.source(
                        bootstrap,
                        prefix + DemoTopics.RANK_STEPS,
                        group,
                        OffsetsInitializer.earliest(),
                        false,
                        new Properties(),
                        TraceAnalyticsJob.rankStepDecoder(settings)),
                sink(bootstrap, prefix + DemoTopics.STEP_METRICS, StepMetrics.class, tx + "-step-metrics"),
                sink(bootstrap, prefix + DemoTopics.WINDOW_METRICS, WindowMetrics.class, tx + "-window-metrics"),
                sink(bootstrap, prefix + DemoTopics.DEAD_LETTER, DeadLetter.class, tx + "-dead-letter"));
        submit(env, "dpbalance demo: trace analytics");
    }

    /** Submits the shadow job: the replayed arrivals through every policy, to per-policy metrics and placements. */
    void startShadow(
            String bootstrap, String prefix, ShadowSettings settings, Duration checkpointInterval, String runId)
            throws Exception {
        StreamExecutionEnvironment env = environment("shadow", checkpointInterval);
        String tx = "dpbalance-demo-shadow-" + runId;
        ShadowSchedulerJob.defineWorkflow(
                env,
                settings,
                KafkaConnectors.source(
                        bootstrap,
                        prefix + DemoTopics.SHADOW_INPUT + DemoTopics.REQUESTS,
                        "dpbalance-demo-shadow-" + runId,
                        OffsetsInitializer.earliest(),
                        false,
                        new Properties(),
                        ShadowSchedulerJob.arrivalDecoder()),
                sink(bootstrap, prefix + DemoTopics.STEP_METRICS, StepMetrics.class, tx + "-step-metrics"),
                sink(bootstrap, prefix + DemoTopics.ASSIGNMENTS, Assignment.class, tx + "-assignments"),
                sink(bootstrap, prefix + DemoTopics.WINDOW_METRICS, WindowMetrics.class, tx + "-window-metrics"),
                sink(bootstrap, prefix + DemoTopics.DEAD_LETTER, DeadLetter.class, tx + "-dead-letter"));
        submit(env, "dpbalance demo: shadow scheduling");
    }

    private StreamExecutionEnvironment environment(String job, Duration checkpointInterval) {
        Configuration config = new Configuration();
        config.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        config.set(
                CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                stateDir.resolve("checkpoints").resolve(job).toUri().toString());
        config.setString(DecisionLatencies.REPORTER, DecisionLatencies.Factory.class.getName());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, config);
        env.enableCheckpointing(checkpointInterval.toMillis(), CheckpointingMode.EXACTLY_ONCE);
        return env;
    }

    private static <T extends SpecificRecord> SinkApplier<T> sink(
            String bootstrap, String topic, Class<T> type, String tx) {
        return SinkApplier.of(KafkaConnectors.sink(
                bootstrap, topic, type, DeliveryGuarantee.EXACTLY_ONCE, tx, TRANSACTION_TIMEOUT_MS, new Properties()));
    }

    private void submit(StreamExecutionEnvironment env, String name) throws Exception {
        JobClient client = env.executeAsync(name);
        clients.add(client);
        names.add(name);
    }

    /** Waits until every job runs; fails with the job's own error if one failed instead. */
    void awaitRunning(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int i = 0; i < clients.size(); i++) {
            JobStatus status = clients.get(i).getJobStatus().get();
            while (status != JobStatus.RUNNING) {
                if (status.isGloballyTerminalState()) {
                    clients.get(i).getJobExecutionResult().get();
                    throw new IllegalStateException(names.get(i) + " ended before it ran: " + status);
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(names.get(i) + " is not running after " + timeout.toSeconds()
                            + " s (status " + status + ")");
                }
                Thread.sleep(100);
                status = clients.get(i).getJobStatus().get();
            }
        }
    }

    /** The first job that is no longer running, with its status, or null when all run. */
    String stoppedJob() throws Exception {
        for (int i = 0; i < clients.size(); i++) {
            JobStatus status = clients.get(i).getJobStatus().get();
            if (status.isGloballyTerminalState()) {
                return names.get(i) + " " + status;
            }
        }
        return null;
    }

    /**
     * Stops every job with a savepoint without draining: the sources stop where they are, and the savepoint commits
     * the transactions of everything emitted so far (windows still open are not emitted).
     */
    @Override
    public void close() throws Exception {
        Exception failure = null;
        for (int i = 0; i < clients.size(); i++) {
            JobClient client = clients.get(i);
            try {
                if (!client.getJobStatus().get().isGloballyTerminalState()) {
                    client.stopWithSavepoint(
                                    false,
                                    stateDir.resolve("savepoints").toUri().toString(),
                                    SavepointFormatType.CANONICAL)
                            .get(120, TimeUnit.SECONDS);
                }
            } catch (Exception e) {
                Exception stop = new IllegalStateException(
                        "stopping " + names.get(i) + " with a savepoint failed: " + e.getMessage(), e);
                try {
                    client.cancel().get(30, TimeUnit.SECONDS);
                } catch (Exception cancel) {
                    stop.addSuppressed(cancel);
                }
                if (failure == null) {
                    failure = stop;
                } else {
                    failure.addSuppressed(stop);
                }
            }
        }
        clients.clear();
        if (failure != null) {
            throw failure;
        }
    }
}
