package io.dpbalance.jobs.analytics;

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
import io.dpbalance.schemas.DeadLetter;
import io.dpbalance.schemas.RankStep;
import io.dpbalance.schemas.StepMetrics;
import io.dpbalance.schemas.TokenEvent;
import io.dpbalance.schemas.WindowMetrics;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Trace analytics (docs/design.md §7-8): production decode logs in, what the step barriers cost out. Token events are folded per
 * (cluster, rank, step) into rank-steps; the rank-steps of one (cluster, step) form its step window, which closes when
 * the watermark passes it; closed step windows become {@link StepMetrics} (engine formulas) and roll up into
 * event-time {@link WindowMetrics}. Invalid records go to the dead-letter topic with a reason.
 *
 * <p>{@link #main} parses the flags and runs {@link #defineWorkflow} over Kafka, or over files in batch mode.
 */
@Command(
        name = "analytics",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        resourceBundle = "io.dpbalance.jobs.analytics.TraceAnalyticsHelp",
        description = {
            "Trace analytics: reads decode logs (dp.token-events and/or dp.rank-steps), writes what the step barriers "
                    + "cost: dp.step-metrics, dp.window-metrics (tumbling event-time windows), and every rejected record to "
                    + "dp.dead-letter with its reason.",
            "Runs on an embedded Flink MiniCluster unless --jobmanager names a Flink cluster to submit to. With "
                    + "--input-files it reads Avro container files instead of Kafka and runs as a bounded batch job."
        })
public final class TraceAnalyticsJob implements Runnable {

    /** The default input topics of docs/design.md §6. */
    static final String TOKEN_EVENTS = "dp.token-events";

    static final String RANK_STEPS = "dp.rank-steps";

    enum Input {
        TOKEN_EVENTS,
        RANK_STEPS
    }

    @Option(
            names = "--inputs",
            paramLabel = "token-events|rank-steps",
            split = ",",
            defaultValue = "token-events,rank-steps",
            converter = InputConverter.class,
            description = "Which decode logs to read. Default: both (a cluster's logs may carry either).")
    Input[] inputs;

    @Option(names = "--token-events-topic", defaultValue = TOKEN_EVENTS, description = "Default ${DEFAULT-VALUE}.")
    String tokenEventsTopic;

    @Option(names = "--rank-steps-topic", defaultValue = RANK_STEPS, description = "Default ${DEFAULT-VALUE}.")
    String rankStepsTopic;

    @Mixin
    OutputTopicOptions outputs = new OutputTopicOptions();

    @Option(
            names = "--roster",
            paramLabel = "CLUSTER=G[,...]",
            defaultValue = "",
            description =
                    "Ranks per cluster, e.g. cluster-a=8,cluster-b=16. A cluster not listed learns its roster from "
                            + "its records (highest rank seen + 1); a listed cluster's records with rank >= G are dead letters.")
    String roster;

    @Mixin
    EventTimeOptions eventTime = new EventTimeOptions();

    @Option(
            names = "--max-step-spread",
            paramLabel = "DURATION",
            defaultValue = "1s",
            converter = DurationConverter.class,
            description =
                    "How far apart the record times of one step may lie (ranks log their tokens at different times). "
                            + "A step window closes when the watermark passes its earliest record time plus this. Default "
                            + "${DEFAULT-VALUE}.")
    Duration maxStepSpread;

    @Option(
            names = "--request-idle-timeout",
            paramLabel = "DURATION",
            defaultValue = "10m",
            converter = DurationConverter.class,
            description = "Forget a request's last step after this long without a token (its final token never came). "
                    + "Default ${DEFAULT-VALUE}.")
    Duration requestIdleTimeout;

    @Mixin
    CostModelOptions costModel = new CostModelOptions();

    @Option(names = "--job-name", defaultValue = "dpbalance trace analytics", description = "Default ${DEFAULT-VALUE}.")
    String jobName;

    @Mixin
    JobOptions job = new JobOptions();

    @Mixin
    InputLimitOptions inputLimits = new InputLimitOptions();

    private static final String NAME = "dpbalance-analytics";
    private static final String COMMAND = "analytics";

    public static void main(String[] args) {
        JobMain.main(COMMAND, new TraceAnalyticsJob(), args);
    }

    @Override
    public void run() {
        JobEnvironment run = JobEnvironment.create(job, COMMAND, TraceAnalyticsJob.class);
        try {
            define(run);
            run.execute(jobName);
        } catch (IllegalArgumentException | SubmissionFailure e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("trace analytics failed: " + e.getMessage(), e);
        }
    }

    /**
     * Defines the job these flags describe on {@code env} (Kafka or files, checkpointing, parallelism) without running
     * it: {@link #run} executes it, a throughput harness submits the same graph to a cluster it keeps running.
     *
     * @throws IllegalArgumentException on flags that do not go together
     */
    public void define(StreamExecutionEnvironment env) {
        define(JobEnvironment.of(job, COMMAND, env));
    }

    private void define(JobEnvironment run) {
        StreamExecutionEnvironment env = run.env();
        AnalyticsSettings settings = new AnalyticsSettings(
                AnalyticsSettings.parseRoster(roster),
                eventTime.outOfOrderness,
                eventTime.idleness,
                maxStepSpread,
                eventTime.window,
                costModel.costModel,
                costModel.batch,
                costModel.powerProfile,
                requestIdleTimeout,
                job.parallelism.maxParallelism);
        InputLimits limits = inputLimits.limits();
        settings.roster().forEach((cluster, ranks) -> {
            if (ranks > limits.maxRanks()) {
                throw new IllegalArgumentException("--roster: cluster '" + cluster + "' has " + ranks
                        + " ranks, more than " + "--max-ranks " + limits.maxRanks());
            }
        });
        if (job.parallelism.parallelism != null) {
            env.setParallelism(job.parallelism.parallelism);
        }
        JobConnectors io = new JobConnectors(job, run, NAME);
        boolean readTokens = Arrays.asList(inputs).contains(Input.TOKEN_EVENTS);
        boolean readRankSteps = Arrays.asList(inputs).contains(Input.RANK_STEPS);
        Source<InputRecord<TokenEvent>, ?, ?> tokenEvents = null;
        Source<InputRecord<RankStep>, ?, ?> rankSteps = null;
        if (job.fileMode()) {
            env.setRuntimeMode(RuntimeExecutionMode.BATCH);
            java.nio.file.Path tokens = io.inputFile(tokenEventsTopic);
            java.nio.file.Path steps = io.inputFile(rankStepsTopic);
            readTokens &= Files.isRegularFile(tokens);
            readRankSteps &= Files.isRegularFile(steps);
            if (!readTokens && !readRankSteps) {
                throw new IllegalArgumentException("--input-files: neither " + tokens + " nor " + steps + " exists");
            }
            tokenEvents = readTokens ? io.fileSource(tokens, tokenEventDecoder(settings, limits)) : null;
            // A valid rank-step becomes a RankLoad at once: only an invalid one's bytes are written (as a dead letter).
            rankSteps = readRankSteps
                    ? io.fileSource(steps, rankStepDecoder(settings, limits).withoutValidFilePayloads())
                    : null;
        } else {
            run.requireBroker();
            run.enableCheckpointing();
            tokenEvents = readTokens ? io.kafkaSource(tokenEventsTopic, tokenEventDecoder(settings, limits)) : null;
            rankSteps = readRankSteps ? io.kafkaSource(rankStepsTopic, rankStepDecoder(settings, limits)) : null;
        }
        defineWorkflow(
                env,
                settings,
                tokenEvents,
                rankSteps,
                io.sink(outputs.stepMetrics, outputs.stepMetricsTopic, StepMetrics.class, "step-metrics"),
                io.sink(true, outputs.windowMetricsTopic, WindowMetrics.class, "window-metrics"),
                io.sink(true, outputs.deadLetterTopic, DeadLetter.class, "dead-letter"),
                io.broker());
    }

    /** The decoder of token events, with the stateless checks against the configured roster and default limits. */
    public static InputDecoder<TokenEvent> tokenEventDecoder(AnalyticsSettings settings) {
        return tokenEventDecoder(settings, InputLimits.defaults());
    }

    /** The decoder of token events, with the stateless checks against the configured roster and {@code limits}. */
    public static InputDecoder<TokenEvent> tokenEventDecoder(AnalyticsSettings settings, InputLimits limits) {
        return new InputDecoder<>(TokenEvent.class, limits, LogRecordChecks.tokenEvents(settings.roster(), limits));
    }

    /** The decoder of rank-steps, with the stateless checks against the configured roster and default limits. */
    public static InputDecoder<RankStep> rankStepDecoder(AnalyticsSettings settings) {
        return rankStepDecoder(settings, InputLimits.defaults());
    }

    /** The decoder of rank-steps, with the stateless checks against the configured roster and {@code limits}. */
    public static InputDecoder<RankStep> rankStepDecoder(AnalyticsSettings settings, InputLimits limits) {
        return new InputDecoder<>(RankStep.class, limits, LogRecordChecks.rankSteps(settings.roster(), limits));
    }

    /**
     * Wires the trace analytics pipeline.
     *
     * @param tokenEvents token events, or null when the logs carry none; sources check records with
     *     {@link #tokenEventDecoder}
     * @param rankSteps rank-steps, or null when the logs carry none; checked with {@link #rankStepDecoder}
     * @param stepMetrics where StepMetrics go ({@link SinkApplier#discard} to write none)
     */
    public static void defineWorkflow(
            StreamExecutionEnvironment env,
            AnalyticsSettings settings,
            Source<InputRecord<TokenEvent>, ?, ?> tokenEvents,
            Source<InputRecord<RankStep>, ?, ?> rankSteps,
            SinkApplier<StepMetrics> stepMetrics,
            SinkApplier<WindowMetrics> windowMetrics,
            SinkApplier<DeadLetter> deadLetters) {
        defineWorkflow(env, settings, tokenEvents, rankSteps, stepMetrics, windowMetrics, deadLetters, null);
    }

    /**
     * As above, with the broker the sources read from: a partition then goes idle only when the broker holds nothing
     * more for it and answers ({@link CaughtUpIdleness}); with {@code broker} null, idleness is Flink's plain timeout.
     */
    public static void defineWorkflow(
            StreamExecutionEnvironment env,
            AnalyticsSettings settings,
            Source<InputRecord<TokenEvent>, ?, ?> tokenEvents,
            Source<InputRecord<RankStep>, ?, ?> rankSteps,
            SinkApplier<StepMetrics> stepMetrics,
            SinkApplier<WindowMetrics> windowMetrics,
            SinkApplier<DeadLetter> deadLetterOutput,
            CaughtUpIdleness.Broker broker) {
        if (tokenEvents == null && rankSteps == null) {
            throw new IllegalArgumentException("trace analytics needs token events, rank-steps or both");
        }
        env.setMaxParallelism(settings.maxParallelism());
        // No function keeps or changes a record a chained operator handed it (keyed state holds records that came over
        // the
        // network, or the function's own), so records pass along a chain without Flink's defensive deep copy.
        env.getConfig().enableObjectReuse();

        boolean batch = env.getConfiguration().get(ExecutionOptions.RUNTIME_MODE) == RuntimeExecutionMode.BATCH;
        if (batch && tokenEvents == null) {
            // Rank-steps alone: no sort of the keyed inputs. Their one keyed operator of any size, the step metrics,
            // adds up a cluster's partial steps in any order and handles them at the end of the input (every step of
            // the cluster is in its state then, sorted or not; unsorted, those of every cluster): the sort bought
            // nothing but the time it took. Token events keep it: the request check would otherwise hold every token
            // of the input until its end, not one request's at a time.
            Configuration unsorted = new Configuration();
            unsorted.set(ExecutionOptions.SORT_INPUTS, false);
            unsorted.set(ExecutionOptions.USE_BATCH_STATE_BACKEND, false);
            env.configure(unsorted);
        }
        DataStream<RankLoad> rankLoads = null;
        DataStream<StepLoads> partials = null;
        DataStream<StepOutcome> late = null;
        DataStream<DeadLetter> deadLetters = null;

        if (tokenEvents != null) {
            SingleOutputStreamOperator<InputRecord<TokenEvent>> tokens = env.fromSource(
                            tokenEvents,
                            watermarks(
                                    settings,
                                    broker,
                                    token -> token.getEventTime().toEpochMilli()),
                            "token events")
                    .uid("token-events-source")
                    .transform(
                            "token events: check",
                            InputRecord.typeInfo(TokenEvent.class),
                            InputTriage.<TokenEvent>operator())
                    .uid("token-events-triage");
            SingleOutputStreamOperator<RequestToken> ordered = tokens.map(RequestToken::of, RequestToken.TYPE)
                    .uid("token-events-as-tokens")
                    .name("token events -> tokens")
                    .keyBy(token -> Keys.request(token.clusterId(), token.requestId()))
                    .transform(
                            "requests: step order",
                            RequestToken.TYPE,
                            new RequestStepOrderOperator(new RequestStepOrderFunction(settings)))
                    .uid("request-step-order")
                    .name("requests: step order");
            SingleOutputStreamOperator<RankLoad> shares = ordered.transform(
                            "tokens -> rank-step shares", LoadSerializers.RANK_LOAD, new TokenFoldOperator())
                    .uid("token-fold");
            if (batch) {
                partials = combined(shares, "token-shares-combine", "token shares: combine per step");
            } else {
                rankLoads = shares;
            }
            late = ordered.getSideOutput(RequestStepOrderFunction.LATE);
            deadLetters = tokens.getSideOutput(InputTriage.DEAD_LETTERS)
                    .union(ordered.getSideOutput(RequestStepOrderFunction.DEAD_LETTERS));
        }
        if (rankSteps != null) {
            SingleOutputStreamOperator<InputRecord<RankStep>> records = env.fromSource(
                            rankSteps,
                            watermarks(
                                    settings,
                                    broker,
                                    record -> record.getStepStart().toEpochMilli()),
                            "rank-steps")
                    .uid("rank-steps-source")
                    .transform(
                            "rank-steps: check", InputRecord.typeInfo(RankStep.class), InputTriage.<RankStep>operator())
                    .uid("rank-steps-triage");
            // A late rank-step is judged here, where its bytes still are, so that its dead letter can keep them.
            SingleOutputStreamOperator<RankLoad> loads = records.process(
                            new RankStepsAsLoads(settings), LoadSerializers.RANK_LOAD)
                    .uid("rank-steps-as-loads")
                    .name("rank-steps -> loads");
            if (batch) {
                DataStream<StepLoads> combined = combined(loads, "rank-steps-combine", "rank-steps: combine per step");
                partials = partials == null ? combined : partials.union(combined);
            } else {
                rankLoads = rankLoads == null ? loads : rankLoads.union(loads);
            }
            DataStream<StepOutcome> lateLoads = loads.getSideOutput(RankStepsAsLoads.LATE);
            late = late == null ? lateLoads : late.union(lateLoads);
            DataStream<DeadLetter> rejected = records.getSideOutput(InputTriage.DEAD_LETTERS)
                    .union(loads.getSideOutput(RankStepsAsLoads.DEAD_LETTERS));
            deadLetters = deadLetters == null ? rejected : deadLetters.union(rejected);
        }

        DataStream<StepLoads> closedOrPartialSteps;
        if (batch) {
            // A bounded run sends the step metrics partial steps, made where the rank-steps are read: one record per
            // run of a step's ranks instead of one per rank, and no step-window stage to sort and shuffle them twice.
            closedOrPartialSteps = partials;
        } else {
            SingleOutputStreamOperator<StepLoads> stepWindows = rankLoads
                    .keyBy(load -> Keys.step(load.clusterId, load.step))
                    .process(new StepWindowFunction(settings), LoadSerializers.STEP_LOADS)
                    .uid("step-windows")
                    .name("step windows");
            DataStream<StepOutcome> lateRankSteps = stepWindows.getSideOutput(StepWindowFunction.LATE);
            deadLetters = deadLetters.union(stepWindows.getSideOutput(StepWindowFunction.DEAD_LETTERS));
            late = late == null ? lateRankSteps : late.union(lateRankSteps);
            closedOrPartialSteps = stepWindows;
        }

        // The previous layout's window operator (uid window-metrics) stays on the late records' path: it hands the open
        // windows of a savepoint of that layout to the step metrics, which now roll the windows up themselves.
        DataStream<StepOutcome> lateCounts = late.keyBy(
                        outcome -> Keys.clusterPolicy(outcome.clusterId, outcome.policy))
                .transform("window metrics: carried windows", late.getType(), new CarriedWindowsOperator())
                .uid("window-metrics");
        SingleOutputStreamOperator<StepOutcome> steps = closedOrPartialSteps
                .keyBy(loads -> loads.clusterId)
                .connect(lateCounts.keyBy(outcome -> outcome.clusterId))
                .process(new StepMetricsFunction(settings, batch), late.getType())
                .uid("step-metrics")
                .name("step metrics and windows");
        if (batch) {
            deadLetters = deadLetters.union(steps.getSideOutput(StepWindowFunction.DEAD_LETTERS));
        }
        if (stepMetrics.writes()) {
            SinkApplier.write(
                    steps.map(outcome -> outcome.metrics)
                            .returns(new AvroTypeInfo<>(StepMetrics.class))
                            .uid("step-metrics-records")
                            .name("step metrics: records"),
                    stepMetrics,
                    "step-metrics-sink",
                    "step metrics sink");
        }
        SinkApplier.write(
                steps.getSideOutput(StepMetricsFunction.WINDOWS),
                windowMetrics,
                "window-metrics-sink",
                "window metrics sink");

        SinkApplier.write(
                deadLetters.map(new CountDeadLetters()).uid("dead-letter-count").name("dead letters: count"),
                deadLetterOutput,
                "dead-letter-sink",
                "dead letter sink");
    }

    /** Batch execution: {@code loads} as partial steps ({@link StepLoadCombiner}), in the same task. */
    private static DataStream<StepLoads> combined(SingleOutputStreamOperator<RankLoad> loads, String uid, String name) {
        return loads.transform(name, LoadSerializers.STEP_LOADS, new StepLoadCombiner())
                .uid(uid);
    }

    /**
     * Bounded out-of-orderness on the records' own times, per Kafka partition, with idleness that waits for the broker
     * ({@link CaughtUpIdleness}). An invalid record gets no
     * time, so that a garbage timestamp cannot push the watermark ahead and make every valid record late.
     */
    private static <T extends SpecificRecord> WatermarkStrategy<InputRecord<T>> watermarks(
            AnalyticsSettings settings, CaughtUpIdleness.Broker broker, RecordTime<T> time) {
        SerializableTimestampAssigner<InputRecord<T>> assigner =
                (record, kafkaTime) -> record.isValid() ? time.of(record.value) : Long.MIN_VALUE;
        return CaughtUpIdleness.of(
                WatermarkStrategy.<InputRecord<T>>forBoundedOutOfOrderness(settings.outOfOrderness())
                        .withTimestampAssigner(assigner),
                settings.idleness(),
                broker);
    }

    @FunctionalInterface
    private interface RecordTime<T> extends java.io.Serializable {
        long of(T record);
    }

    static final class InputConverter implements CommandLine.ITypeConverter<Input> {
        @Override
        public Input convert(String text) {
            return switch (text.trim()) {
                case "token-events" -> Input.TOKEN_EVENTS;
                case "rank-steps" -> Input.RANK_STEPS;
                default ->
                    throw new CommandLine.TypeConversionException(
                            "expected token-events or rank-steps, got '" + text + "'");
            };
        }
    }
}
