package io.dpbalance.jobs.shadow;

import io.dpbalance.jobs.common.CostModelOptions;
import io.dpbalance.jobs.common.CountDeadLetters;
import io.dpbalance.jobs.common.DurationConverter;
import io.dpbalance.jobs.common.EventTimeOptions;
import io.dpbalance.jobs.common.InputLimitOptions;
import io.dpbalance.jobs.common.InputTriage;
import io.dpbalance.jobs.common.JobConnectors;
import io.dpbalance.jobs.common.JobEnvironment;
import io.dpbalance.jobs.common.JobMain;
import io.dpbalance.jobs.common.JobOptions;
import io.dpbalance.jobs.common.Keys;
import io.dpbalance.jobs.common.OutputTopicOptions;
import io.dpbalance.jobs.common.SinkApplier;
import io.dpbalance.jobs.common.SubmissionFailure;
import io.dpbalance.jobs.io.CaughtUpIdleness;
import io.dpbalance.jobs.io.InputDecoder;
import io.dpbalance.jobs.io.InputLimits;
import io.dpbalance.jobs.io.InputRecord;
import io.dpbalance.schemas.Assignment;
import io.dpbalance.schemas.DeadLetter;
import io.dpbalance.schemas.RequestArrival;
import io.dpbalance.schemas.StepMetrics;
import io.dpbalance.schemas.WindowMetrics;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Shadow scheduling (docs/design.md §7-8): the live request stream in, what BF-IO and every baseline would have done with it out.
 * Each request record is copied to every configured policy; each (cluster, policy) runs the engine's step loop in
 * keyed state ({@link ShadowSchedulerFunction}); its steps, placements and windows go out labelled by policy, beside
 * the analytics job's {@code observed} ones.
 */
@Command(
        name = "shadow",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        resourceBundle = "io.dpbalance.jobs.shadow.ShadowSchedulerHelp",
        description = {
            "Shadow scheduling: reads request arrivals (dp.requests: arrivals, and the completion updates that carry a "
                    + "request's output length once production finished it), runs every policy's shadow cluster on them "
                    + "(docs/design.md §3, arrival mode) and writes dp.assignments, dp.step-metrics and dp.window-metrics labelled by "
                    + "policy; rejected records go to dp.dead-letter.",
            "A request joins a shadow only once its output length is known: the shadow runs --lag behind the watermark "
                    + "and waits for a later completion up to --max-hold past the request's arrival; then it leaves the "
                    + "request out and counts it in the window's late_records (and the abandonedRequests metric).",
            "Runs on an embedded Flink MiniCluster unless --jobmanager names a Flink cluster to submit to. With "
                    + "--input-files it reads <DIR>/dp.requests.avro and runs as a bounded batch job."
        })
public final class ShadowSchedulerJob implements Runnable {

    static final String REQUESTS = "dp.requests";
    static final String ASSIGNMENTS = "dp.assignments";
    private static final String NAME = "dpbalance-shadow";
    private static final String COMMAND = "shadow";

    @Option(
            names = "--policies",
            paramLabel = "P1,P2,...",
            defaultValue = "vllm,least-tokens,bfio:h=0,bfio:h=20",
            description = "Shadow policies with their parameters, as `simulate --policies` (e.g. "
                    + "bfio:h=20,lookahead=hazard,vllm); each is a label in the output. Default ${DEFAULT-VALUE}.")
    String policies;

    @Option(
            names = "--lookahead",
            paramLabel = "L",
            defaultValue = "oracle",
            description =
                    "Lookahead of policies whose spec names none: oracle (the true output length, which the shadow "
                            + "knows before it lets a request in), noisy:D, none or hazard. Default ${DEFAULT-VALUE}.")
    String lookahead;

    @Option(
            names = "--seed",
            paramLabel = "N",
            defaultValue = "1",
            description = "Seed of noisy lookaheads. Default ${DEFAULT-VALUE}.")
    long seed;

    @Option(
            names = "--ranks",
            paramLabel = "G",
            defaultValue = "32",
            description = "Ranks of a shadow cluster not configured by --cluster. Default ${DEFAULT-VALUE}.")
    int ranks;

    @Mixin
    CostModelOptions costModel = new CostModelOptions();

    @Option(
            names = "--cluster",
            paramLabel = "CLUSTER:KEY=VALUE;...",
            description =
                    "One cluster's shadow, over the defaults above; keys ranks, batch, cost-model, power-profile, "
                            + "separated by ';' (e.g. 'cluster-a:ranks=8;batch=16;power-profile=h100'). Repeatable.")
    List<String> clusters = new ArrayList<>();

    @Option(
            names = "--lag",
            paramLabel = "DURATION",
            defaultValue = "60s",
            converter = DurationConverter.class,
            description = "How far behind the watermark the shadow runs: completions coming within it never hold the "
                    + "shadow back. Default ${DEFAULT-VALUE}.")
    Duration lag;

    @Option(
            names = "--max-hold",
            paramLabel = "DURATION",
            defaultValue = "10m",
            converter = DurationConverter.class,
            description = "How long past a request's arrival (beyond the lag) the shadow waits for its output length "
                    + "before leaving it out. Default ${DEFAULT-VALUE}.")
    Duration maxHold;

    @Mixin
    EventTimeOptions eventTime = new EventTimeOptions();

    @Option(
            names = "--repeat-retention",
            paramLabel = "DURATION",
            defaultValue = "1h",
            converter = DurationConverter.class,
            description =
                    "How long past a request's arrival (in event time) its id is remembered: a record repeating an id "
                            + "seen within it (other than the completion of an arrival without output_tokens) is a REQUEST_REPEATED "
                            + "dead letter and never reaches the shadows. Costs one small state entry per request. Default "
                            + "${DEFAULT-VALUE}.")
    Duration repeatRetention;

    @Option(names = "--requests-topic", defaultValue = REQUESTS, description = "Default ${DEFAULT-VALUE}.")
    String requestsTopic;

    @Option(names = "--assignments-topic", defaultValue = ASSIGNMENTS, description = "Default ${DEFAULT-VALUE}.")
    String assignmentsTopic;

    @Mixin
    OutputTopicOptions outputs = new OutputTopicOptions();

    @Option(
            names = "--assignments",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "Write every shadow placement (--no-assignments: none).")
    boolean assignments;

    @Option(
            names = "--job-name",
            defaultValue = "dpbalance shadow scheduling",
            description = "Default ${DEFAULT-VALUE}.")
    String jobName;

    @Mixin
    JobOptions job = new JobOptions();

    @Mixin
    InputLimitOptions inputLimits = new InputLimitOptions();

    public static void main(String[] args) {
        JobMain.main(COMMAND, new ShadowSchedulerJob(), args);
    }

    @Override
    public void run() {
        ClusterSpec fallback = new ClusterSpec(ranks, costModel.batch, costModel.costModel, costModel.powerProfile);
        ShadowSettings settings = new ShadowSettings(
                policyTexts(),
                lookahead,
                seed,
                ShadowSettings.parseClusters(clusters, fallback),
                fallback,
                lag,
                maxHold,
                eventTime.window,
                eventTime.outOfOrderness,
                eventTime.idleness,
                repeatRetention,
                job.parallelism.maxParallelism);
        int maxRanks = inputLimits.limits().maxRanks();
        if (fallback.ranks() > maxRanks) {
            throw new IllegalArgumentException("--ranks " + fallback.ranks() + " is more than --max-ranks " + maxRanks);
        }
        settings.clusters().forEach((cluster, spec) -> {
            if (spec.ranks() > maxRanks) {
                throw new IllegalArgumentException("--cluster: '" + cluster + "' has " + spec.ranks()
                        + " ranks, more than " + "--max-ranks " + maxRanks);
            }
        });
        JobEnvironment run = JobEnvironment.create(job, COMMAND, ShadowSchedulerJob.class);
        try {
            define(run, settings);
            run.execute(jobName);
        } catch (IllegalArgumentException | SubmissionFailure e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("shadow scheduling failed: " + e.getMessage(), e);
        }
    }

    private List<String> policyTexts() {
        List<String> texts = new ArrayList<>();
        io.dpbalance.engine.policy.PolicySpec.parseList(policies).forEach(spec -> texts.add(spec.text()));
        return texts;
    }

    private void define(JobEnvironment run, ShadowSettings settings) {
        JobConnectors io = new JobConnectors(job, run, NAME);
        InputDecoder<RequestArrival> decoder = arrivalDecoder(inputLimits.limits());
        Source<InputRecord<RequestArrival>, ?, ?> requests;
        if (job.fileMode()) {
            java.nio.file.Path file = io.inputFile(requestsTopic);
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("--input-files: " + file + " does not exist");
            }
            requests = io.fileSource(file, decoder);
        } else {
            run.requireBroker();
            run.enableCheckpointing();
            requests = io.kafkaSource(requestsTopic, decoder);
        }
        defineWorkflow(
                run.env(),
                settings,
                requests,
                io.sink(outputs.stepMetrics, outputs.stepMetricsTopic, StepMetrics.class, "step-metrics"),
                io.sink(assignments, assignmentsTopic, Assignment.class, "assignments"),
                io.sink(true, outputs.windowMetricsTopic, WindowMetrics.class, "window-metrics"),
                io.sink(true, outputs.deadLetterTopic, DeadLetter.class, "dead-letter"),
                io.broker());
    }

    /** The decoder of request records, with their stateless checks and default limits. */
    public static InputDecoder<RequestArrival> arrivalDecoder() {
        return arrivalDecoder(InputLimits.defaults());
    }

    /** The decoder of request records, with their stateless checks and {@code limits}. */
    public static InputDecoder<RequestArrival> arrivalDecoder(InputLimits limits) {
        return new InputDecoder<>(RequestArrival.class, limits, ArrivalChecks.check(limits));
    }

    /**
     * Wires the shadow-scheduling pipeline.
     *
     * @param requests request records, checked with {@link #arrivalDecoder}
     * @param stepMetrics where StepMetrics go ({@link SinkApplier#discard} to write none)
     * @param assignments where Assignments go ({@link SinkApplier#discard} to write none)
     */
    public static void defineWorkflow(
            StreamExecutionEnvironment env,
            ShadowSettings settings,
            Source<InputRecord<RequestArrival>, ?, ?> requests,
            SinkApplier<StepMetrics> stepMetrics,
            SinkApplier<Assignment> assignments,
            SinkApplier<WindowMetrics> windowMetrics,
            SinkApplier<DeadLetter> deadLetters) {
        defineWorkflow(env, settings, requests, stepMetrics, assignments, windowMetrics, deadLetters, null);
    }

    /**
     * As above, with the broker the source reads from: a partition then goes idle only when the broker holds nothing
     * more for it and answers ({@link CaughtUpIdleness}); with {@code broker} null, idleness is Flink's plain timeout.
     */
    public static void defineWorkflow(
            StreamExecutionEnvironment env,
            ShadowSettings settings,
            Source<InputRecord<RequestArrival>, ?, ?> requests,
            SinkApplier<StepMetrics> stepMetrics,
            SinkApplier<Assignment> assignments,
            SinkApplier<WindowMetrics> windowMetrics,
            SinkApplier<DeadLetter> deadLetters,
            CaughtUpIdleness.Broker broker) {
        env.setMaxParallelism(settings.maxParallelism());
        // Records pass between chained operators by reference instead of as deep copies: no function here changes a
        // record after emitting it or keeps one it was given (the keyed function receives deserialized copies anyway).
        env.getConfig().enableObjectReuse();
        SerializableTimestampAssigner<InputRecord<RequestArrival>> time = (record, kafkaTime) ->
                record.isValid() ? record.value.getArrivalTime().toEpochMilli() : Long.MIN_VALUE;
        SingleOutputStreamOperator<InputRecord<RequestArrival>> records = env.fromSource(
                        requests,
                        CaughtUpIdleness.of(
                                WatermarkStrategy.<InputRecord<RequestArrival>>forBoundedOutOfOrderness(
                                                settings.outOfOrderness())
                                        .withTimestampAssigner(time),
                                settings.idleness(),
                                broker),
                        "requests")
                .uid("requests-source")
                .transform(
                        "requests: check",
                        InputRecord.typeInfo(RequestArrival.class),
                        InputTriage.<RequestArrival>operator())
                .uid("requests-triage");
        // Before the fan-out: a repeated request would otherwise reach every shadow, once per policy.
        SingleOutputStreamOperator<InputRecord<RequestArrival>> firstSeen = records.keyBy(
                        record -> Keys.request(record.value.getClusterId(), record.value.getRequestId()))
                .process(new RequestRepeatCheck(settings.repeatRetention()), InputRecord.typeInfo(RequestArrival.class))
                .uid("request-repeat-check")
                .name("requests: repeats");

        SingleOutputStreamOperator<StepMetrics> shadow = firstSeen
                .flatMap(new PerPolicy(settings.policies()), TypeInformation.of(ShadowInput.class))
                .uid("requests-per-policy")
                .name("requests -> policies")
                .keyBy(in -> Keys.clusterPolicy(in.clusterId, in.policy))
                .process(new ShadowSchedulerFunction(settings), new AvroTypeInfo<>(StepMetrics.class))
                .uid("shadow-scheduler")
                .name("shadow scheduler");
        SinkApplier.write(shadow, stepMetrics, "step-metrics-sink", "step metrics sink");
        SinkApplier.write(
                shadow.getSideOutput(ShadowSchedulerFunction.ASSIGNMENTS),
                assignments,
                "assignments-sink",
                "assignments sink");
        SinkApplier.write(
                shadow.getSideOutput(ShadowSchedulerFunction.WINDOWS),
                windowMetrics,
                "window-metrics-sink",
                "window metrics sink");
        SinkApplier.write(
                records.getSideOutput(InputTriage.DEAD_LETTERS)
                        .union(
                                firstSeen.getSideOutput(RequestRepeatCheck.DEAD_LETTERS),
                                shadow.getSideOutput(ShadowSchedulerFunction.DEAD_LETTERS))
                        .map(new CountDeadLetters())
                        .uid("dead-letter-count")
                        .name("dead letters: count"),
                deadLetters,
                "dead-letter-sink",
                "dead letter sink");
    }

    /** Copies each valid request record once per shadow policy. */
    static final class PerPolicy implements FlatMapFunction<InputRecord<RequestArrival>, ShadowInput> {
        private final List<String> policies;

        PerPolicy(List<String> policies) {
            this.policies = List.copyOf(policies);
        }

        @Override
        public void flatMap(InputRecord<RequestArrival> record, Collector<ShadowInput> out) {
            for (String policy : policies) {
                out.collect(ShadowInput.of(record, policy));
            }
        }
    }
}
