package io.dpbalance.jobs.analytics;

import io.dpbalance.jobs.io.FileConnectors;
import io.dpbalance.jobs.io.InputDecoder;
import io.dpbalance.jobs.io.InputRecord;
import io.dpbalance.jobs.io.KafkaConnectors;
import io.dpbalance.schemas.DeadLetter;
import io.dpbalance.schemas.RankStep;
import io.dpbalance.schemas.StepMetrics;
import io.dpbalance.schemas.TokenEvent;
import io.dpbalance.schemas.WindowMetrics;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.fs.Path;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Trace analytics (spec §7): production decode logs in, what the step barriers cost out. Token events are folded per
 * (cluster, rank, step) into rank-steps; the rank-steps of one (cluster, step) form its step window, which closes when
 * the watermark passes it; closed step windows become {@link StepMetrics} (engine formulas) and roll up into
 * event-time {@link WindowMetrics}. Invalid records go to the dead-letter topic with a reason.
 *
 * <p>{@link #main} parses the flags and runs {@link #defineWorkflow} over Kafka, or over files in batch mode.
 */
@Command(name = "analytics",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
        "Trace analytics: reads decode logs (dp.token-events and/or dp.rank-steps), writes what the step barriers "
            + "cost: dp.step-metrics, dp.window-metrics (tumbling event-time windows), and every rejected record to "
            + "dp.dead-letter with its reason.",
        "Runs on an embedded Flink MiniCluster unless --jobmanager names a Flink cluster to submit to. With "
            + "--input-files it reads Avro container files instead of Kafka and runs as a bounded batch job."})
public final class TraceAnalyticsJob implements Runnable {

  /** The default topics of spec §6. */
  static final String TOKEN_EVENTS = "dp.token-events";
  static final String RANK_STEPS = "dp.rank-steps";
  static final String STEP_METRICS = "dp.step-metrics";
  static final String WINDOW_METRICS = "dp.window-metrics";
  static final String DEAD_LETTER = "dp.dead-letter";

  /** How long a job submitted to a cluster may take to start running. */
  private static final Duration SUBMISSION_TIMEOUT = Duration.ofSeconds(60);

  /** The broker's default transaction.max.timeout.ms: a longer transaction timeout is refused. */
  private static final Duration BROKER_MAX_TRANSACTION_TIMEOUT = Duration.ofMinutes(15);

  enum Input { TOKEN_EVENTS, RANK_STEPS }

  enum StartingOffsets { COMMITTED, EARLIEST, LATEST }

  @Option(names = "--bootstrap", paramLabel = "HOST:PORT[,...]", defaultValue = "127.0.0.1:9092",
      description = "Kafka bootstrap servers. Default ${DEFAULT-VALUE} (the broker of `bin/dpbalance kafka start`).")
  String bootstrap;

  @Option(names = "--kafka-properties", paramLabel = "FILE",
      description = "Kafka client properties (security.protocol, sasl.*, ssl.*, ...) for consumers and producers.")
  java.nio.file.Path kafkaProperties;

  @Option(names = "--prefix", paramLabel = "PREFIX", defaultValue = "",
      description = "Put in front of every topic name (as `bin/dpbalance topics create --prefix`).")
  String prefix;

  @Option(names = "--inputs", paramLabel = "token-events|rank-steps", split = ",",
      defaultValue = "token-events,rank-steps", converter = InputConverter.class,
      description = "Which decode logs to read. Default: both (a cluster's logs may carry either).")
  Input[] inputs;

  @Option(names = "--token-events-topic", defaultValue = TOKEN_EVENTS, description = "Default ${DEFAULT-VALUE}.")
  String tokenEventsTopic;

  @Option(names = "--rank-steps-topic", defaultValue = RANK_STEPS, description = "Default ${DEFAULT-VALUE}.")
  String rankStepsTopic;

  @Option(names = "--step-metrics-topic", defaultValue = STEP_METRICS, description = "Default ${DEFAULT-VALUE}.")
  String stepMetricsTopic;

  @Option(names = "--window-metrics-topic", defaultValue = WINDOW_METRICS, description = "Default ${DEFAULT-VALUE}.")
  String windowMetricsTopic;

  @Option(names = "--dead-letter-topic", defaultValue = DEAD_LETTER, description = "Default ${DEFAULT-VALUE}.")
  String deadLetterTopic;

  @Option(names = "--step-metrics", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Write one StepMetrics per closed step window (--no-step-metrics: window metrics only).")
  boolean stepMetrics;

  @Option(names = "--group-id", defaultValue = "dpbalance-analytics",
      description = "Kafka consumer group (offsets are committed on checkpoints). Default ${DEFAULT-VALUE}.")
  String groupId;

  @Option(names = "--starting-offsets", defaultValue = "committed", converter = StartingOffsetsConverter.class,
      description = "committed (the group's, else earliest), earliest or latest. Default ${DEFAULT-VALUE}.")
  StartingOffsets startingOffsets;

  @Option(names = "--bounded",
      description = "Stop at the end offsets the input topics have when the job starts (replay a finished log).")
  boolean bounded;

  @Option(names = "--roster", paramLabel = "CLUSTER=G[,...]", defaultValue = "",
      description = "Ranks per cluster, e.g. cluster-a=8,cluster-b=16. A cluster not listed learns its roster from "
          + "its records (highest rank seen + 1); a listed cluster's records with rank >= G are dead letters.")
  String roster;

  @Option(names = "--window", paramLabel = "DURATION", defaultValue = "10s", converter = DurationConverter.class,
      description = "Size of the tumbling event-time windows of dp.window-metrics. Default ${DEFAULT-VALUE}.")
  Duration window;

  @Option(names = "--out-of-orderness", paramLabel = "DURATION", defaultValue = "2s",
      converter = DurationConverter.class,
      description = "How far behind the newest record time a record may arrive and still count. Default "
          + "${DEFAULT-VALUE}.")
  Duration outOfOrderness;

  @Option(names = "--max-step-spread", paramLabel = "DURATION", defaultValue = "1s",
      converter = DurationConverter.class,
      description = "How far apart the record times of one step may lie (ranks log their tokens at different times). "
          + "A step window closes when the watermark passes its earliest record time plus this. Default "
          + "${DEFAULT-VALUE}.")
  Duration maxStepSpread;

  @Option(names = "--idleness", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
      description = "A partition without records for this long stops holding the watermark back. Default "
          + "${DEFAULT-VALUE}.")
  Duration idleness;

  @Option(names = "--request-idle-timeout", paramLabel = "DURATION", defaultValue = "10m",
      converter = DurationConverter.class,
      description = "Forget a request's last step after this long without a token (its final token never came). "
          + "Default ${DEFAULT-VALUE}.")
  Duration requestIdleTimeout;

  @Option(names = "--cost-model", paramLabel = "MODEL", defaultValue = "reference",
      description = "Step time of steps whose logs carry no measured step_micros: reference (spec §2, on the step's "
          + "max load) or affine:c=SECONDS,t=SECONDS_PER_TOKEN. Default ${DEFAULT-VALUE}.")
  String costModel;

  @Option(names = "--batch", paramLabel = "B", defaultValue = "72",
      description = "Batch capacity B of the ranks, for the reference cost model's constant. Default ${DEFAULT-VALUE}.")
  int batch;

  @Option(names = "--power-profile", paramLabel = "NAME", defaultValue = "reference",
      description = "reference, a100, h100, h200 or idle=W,max=W,gamma=G. Default ${DEFAULT-VALUE}.")
  String powerProfile;

  @Option(names = "--checkpoint-interval", paramLabel = "DURATION", defaultValue = "10s",
      converter = DurationConverter.class,
      description = "Checkpoint interval; Kafka output is flushed (and, exactly-once, committed) on checkpoints. "
          + "Default ${DEFAULT-VALUE}.")
  Duration checkpointInterval;

  @Option(names = "--delivery-guarantee", paramLabel = "GUARANTEE", defaultValue = "at-least-once",
      converter = DeliveryGuaranteeConverter.class,
      description = "at-least-once or exactly-once (Kafka transactions; readers must use read_committed). Default "
          + "${DEFAULT-VALUE}.")
  DeliveryGuarantee deliveryGuarantee;

  @Option(names = "--transactional-id-prefix", paramLabel = "PREFIX", defaultValue = "dpbalance-analytics",
      description = "Exactly-once: prefix of the sinks' transactional ids, unique per job on the cluster. Default "
          + "${DEFAULT-VALUE}.")
  String transactionalIdPrefix;

  @Option(names = "--transaction-timeout", paramLabel = "DURATION", defaultValue = "10m",
      converter = DurationConverter.class,
      description = "Exactly-once: transaction.timeout.ms, at most the broker's maximum (15m by default) and well "
          + "above the checkpoint interval. Default ${DEFAULT-VALUE}.")
  Duration transactionTimeout;

  @Option(names = "--parallelism", paramLabel = "N", description = "Default parallelism (default: Flink's).")
  Integer parallelism;

  @Option(names = "--max-parallelism", paramLabel = "N", defaultValue = "128",
      description = "Max parallelism: the number of key groups, fixed for the life of the job's state. Default "
          + "${DEFAULT-VALUE}.")
  int maxParallelism;

  @Option(names = "--input-files", paramLabel = "DIR",
      description = "Batch mode: read <DIR>/<topic>.avro (Avro container files, as the datagen writes them) instead "
          + "of Kafka; a missing file is an input not read.")
  java.nio.file.Path inputFiles;

  @Option(names = "--output-files", paramLabel = "DIR",
      description = "Batch mode: write JSON lines (field names of the .avsc) under <DIR>/<topic>/ instead of Kafka.")
  java.nio.file.Path outputFiles;

  @Option(names = "--jobmanager", paramLabel = "HOST:PORT",
      description = "Submit the shaded job jar to this Flink cluster's REST endpoint (e.g. the one of `bin/dpbalance "
          + "flink start`) instead of running on an embedded MiniCluster; returns once the job runs, with its id.")
  String jobmanager;

  @Option(names = "--job-name", defaultValue = "dpbalance trace analytics", description = "Default ${DEFAULT-VALUE}.")
  String jobName;

  public static void main(String[] args) throws Exception {
    TraceAnalyticsJob job = new TraceAnalyticsJob();
    CommandLine cli = new CommandLine(job);
    try {
      cli.parseArgs(args);
    } catch (CommandLine.ParameterException e) {
      fail(e.getMessage());
      return;
    }
    if (cli.isUsageHelpRequested()) {
      cli.usage(System.out);
      return;
    }
    if (cli.isVersionHelpRequested()) {
      cli.printVersionHelp(System.out);
      return;
    }
    try {
      job.run();
    } catch (IllegalArgumentException e) {
      fail(e.getMessage());
    }
  }

  /**
   * Exits only on a usage error, never after a run: inside a Flink cluster (jar submitted over REST) {@code main} runs
   * in the JobManager, which an exit would stop.
   */
  private static void fail(String message) {
    PrintStream err = System.err;
    err.println("dpbalance analytics: " + message);
    err.println("(bin/dpbalance analytics --help lists the options)");
    System.exit(2);
  }

  @Override
  public void run() {
    StreamExecutionEnvironment env = environment();
    try {
      define(env);
      if (jobmanager != null) {
        JobClient client = env.executeAsync(jobName);
        System.out.println("submitted job " + client.getJobID() + " to " + jobmanager);
        awaitRunning(client);
      } else {
        env.execute(jobName);
      }
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("trace analytics failed: " + e.getMessage(), e);
    }
  }

  /**
   * Waits until the cluster runs the submitted job and says how to follow and cancel it; a job that fails before that
   * fails this run with the cluster's reason.
   */
  private void awaitRunning(JobClient client) throws Exception {
    JobID id = client.getJobID();
    long deadline = System.nanoTime() + SUBMISSION_TIMEOUT.toNanos();
    JobStatus status = client.getJobStatus().get();
    while (status != JobStatus.RUNNING && !status.isGloballyTerminalState() && System.nanoTime() < deadline) {
      Thread.sleep(200);
      status = client.getJobStatus().get();
    }
    if (status == JobStatus.FAILED) {
      try {
        client.getJobExecutionResult().get();
      } catch (ExecutionException e) {
        throw new IllegalStateException("job " + id + " failed on " + jobmanager + ": " + rootCause(e), e);
      }
    }
    if (status != JobStatus.RUNNING) {
      throw new IllegalStateException("job " + id + " is " + status + " on " + jobmanager + " "
          + SUBMISSION_TIMEOUT.toSeconds() + " s after submission (bin/dpbalance flink jobs --jobmanager "
          + jobmanager + " shows it; the cluster's logs say why)");
    }
    System.out.println("job " + id + " is RUNNING: web UI http://" + jobmanager + "/#/job/running/" + id);
    System.out.println("cancel it with: bin/dpbalance flink cancel " + id + " --jobmanager " + jobmanager);
  }

  private static String rootCause(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause.toString();
  }

  /**
   * Defines the job these flags describe on {@code env} (Kafka or files, checkpointing, parallelism) without running
   * it: {@link #run} executes it, a throughput harness submits the same graph to a cluster it keeps running.
   *
   * @throws IllegalArgumentException on flags that do not go together
   */
  public void define(StreamExecutionEnvironment env) {
    AnalyticsSettings settings = new AnalyticsSettings(AnalyticsSettings.parseRoster(roster), outOfOrderness,
        idleness, maxStepSpread, window, costModel, batch, powerProfile, requestIdleTimeout, maxParallelism);
    if ((inputFiles == null) != (outputFiles == null)) {
      throw new IllegalArgumentException("--input-files and --output-files go together (batch mode)");
    }
    if (parallelism != null) {
      env.setParallelism(parallelism);
    }
    if (inputFiles != null) {
      defineFileWorkflow(env, settings);
    } else {
      defineKafkaWorkflow(env, settings);
    }
  }

  private StreamExecutionEnvironment environment() {
    if (jobmanager == null) {
      return StreamExecutionEnvironment.getExecutionEnvironment();
    }
    int colon = jobmanager.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("--jobmanager: expected HOST:PORT, got '" + jobmanager + "'");
    }
    int port;
    try {
      port = Integer.parseInt(jobmanager.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--jobmanager: port must be a number, got '" + jobmanager + "'");
    }
    String host = jobmanager.substring(0, colon);
    // Flink's REST client would retry for a minute (rest.retry.*) before saying that nothing is there.
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 3000);
    } catch (IOException e) {
      throw new IllegalArgumentException("--jobmanager: no Flink cluster answers at " + jobmanager + " ("
          + e.getMessage() + "); bin/dpbalance flink start runs a local one");
    }
    return StreamExecutionEnvironment.createRemoteEnvironment(host, port, jobJar());
  }

  /** The shaded job jar to ship to a remote cluster: named by the launcher, else the jar this class came from. */
  private static String jobJar() {
    String named = System.getProperty("dpbalance.job.jar");
    String jar = named != null
        ? named
        : TraceAnalyticsJob.class.getProtectionDomain().getCodeSource().getLocation().getPath();
    if (!jar.endsWith(".jar") || !Files.isRegularFile(java.nio.file.Path.of(jar))) {
      throw new IllegalArgumentException("--jobmanager needs the shaded job jar (mvn -pl jobs -am install builds "
          + "jobs/target/dpbalance-jobs-*-job.jar); not found: " + jar);
    }
    return jar;
  }

  private void defineKafkaWorkflow(StreamExecutionEnvironment env, AnalyticsSettings settings) {
    if (deliveryGuarantee == DeliveryGuarantee.EXACTLY_ONCE
        && transactionTimeout.compareTo(BROKER_MAX_TRANSACTION_TIMEOUT) > 0) {
      throw new IllegalArgumentException("--transaction-timeout " + transactionTimeout.toMinutes()
          + "m is above the broker's default maximum of 15m (transaction.max.timeout.ms)");
    }
    env.enableCheckpointing(checkpointInterval.toMillis(), deliveryGuarantee == DeliveryGuarantee.EXACTLY_ONCE
        ? CheckpointingMode.EXACTLY_ONCE : CheckpointingMode.AT_LEAST_ONCE);
    Properties client = clientProperties();
    OffsetsInitializer offsets = switch (startingOffsets) {
      case COMMITTED -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
      case EARLIEST -> OffsetsInitializer.earliest();
      case LATEST -> OffsetsInitializer.latest();
    };
    boolean readTokens = Arrays.asList(inputs).contains(Input.TOKEN_EVENTS);
    boolean readRankSteps = Arrays.asList(inputs).contains(Input.RANK_STEPS);
    defineWorkflow(env, settings,
        readTokens ? KafkaConnectors.source(bootstrap, prefix + tokenEventsTopic, groupId, offsets, bounded, client,
            tokenEventDecoder(settings)) : null,
        readRankSteps ? KafkaConnectors.source(bootstrap, prefix + rankStepsTopic, groupId, offsets, bounded, client,
            rankStepDecoder(settings)) : null,
        stepMetrics ? kafkaSink(prefix + stepMetricsTopic, StepMetrics.class, "step-metrics", client) : null,
        kafkaSink(prefix + windowMetricsTopic, WindowMetrics.class, "window-metrics", client),
        kafkaSink(prefix + deadLetterTopic, DeadLetter.class, "dead-letter", client));
  }

  private <T extends SpecificRecord> Sink<T> kafkaSink(String topic, Class<T> type, String sinkName,
      Properties client) {
    return KafkaConnectors.sink(bootstrap, topic, type, deliveryGuarantee, transactionalIdPrefix + "-" + sinkName,
        transactionTimeout.toMillis(), client);
  }

  private void defineFileWorkflow(StreamExecutionEnvironment env, AnalyticsSettings settings) {
    env.setRuntimeMode(RuntimeExecutionMode.BATCH);
    java.nio.file.Path tokens = inputFiles.resolve(prefix + tokenEventsTopic + ".avro");
    java.nio.file.Path rankSteps = inputFiles.resolve(prefix + rankStepsTopic + ".avro");
    boolean readTokens = Arrays.asList(inputs).contains(Input.TOKEN_EVENTS) && Files.isRegularFile(tokens);
    boolean readRankSteps = Arrays.asList(inputs).contains(Input.RANK_STEPS)
        && Files.isRegularFile(rankSteps);
    if (!readTokens && !readRankSteps) {
      throw new IllegalArgumentException("--input-files: neither " + tokens + " nor " + rankSteps + " exists");
    }
    Path out = new Path(outputFiles.toAbsolutePath().toUri());
    defineWorkflow(env, settings,
        readTokens ? FileConnectors.avroContainer(new Path(tokens.toAbsolutePath().toUri()),
            tokenEventDecoder(settings)) : null,
        readRankSteps ? FileConnectors.avroContainer(new Path(rankSteps.toAbsolutePath().toUri()),
            rankStepDecoder(settings)) : null,
        stepMetrics ? FileConnectors.jsonLines(new Path(out, stepMetricsTopic), stepMetricsTopic) : null,
        FileConnectors.jsonLines(new Path(out, windowMetricsTopic), windowMetricsTopic),
        FileConnectors.jsonLines(new Path(out, deadLetterTopic), deadLetterTopic));
  }

  private Properties clientProperties() {
    Properties properties = new Properties();
    if (kafkaProperties != null) {
      try (Reader in = Files.newBufferedReader(kafkaProperties)) {
        properties.load(in);
      } catch (IOException e) {
        throw new IllegalArgumentException("--kafka-properties: cannot read " + kafkaProperties + ": "
            + e.getMessage(), e);
      }
    }
    return properties;
  }

  /** The decoder of token events, with the stateless checks against the configured roster. */
  public static InputDecoder<TokenEvent> tokenEventDecoder(AnalyticsSettings settings) {
    return new InputDecoder<>(TokenEvent.class, LogRecordChecks.tokenEvents(settings.roster()));
  }

  /** The decoder of rank-steps, with the stateless checks against the configured roster. */
  public static InputDecoder<RankStep> rankStepDecoder(AnalyticsSettings settings) {
    return new InputDecoder<>(RankStep.class, LogRecordChecks.rankSteps(settings.roster()));
  }

  /**
   * Wires the trace analytics pipeline.
   *
   * @param tokenEvents token events, or null when the logs carry none; sources check records with
   *     {@link #tokenEventDecoder}
   * @param rankSteps rank-steps, or null when the logs carry none; checked with {@link #rankStepDecoder}
   * @param stepMetricsSink where StepMetrics go, or null to write none
   */
  public static void defineWorkflow(StreamExecutionEnvironment env, AnalyticsSettings settings,
      Source<InputRecord<TokenEvent>, ?, ?> tokenEvents, Source<InputRecord<RankStep>, ?, ?> rankSteps,
      Sink<StepMetrics> stepMetricsSink, Sink<WindowMetrics> windowMetricsSink, Sink<DeadLetter> deadLetterSink) {
    if (tokenEvents == null && rankSteps == null) {
      throw new IllegalArgumentException("trace analytics needs token events, rank-steps or both");
    }
    env.setMaxParallelism(settings.maxParallelism());
    // No function keeps or changes a record a chained operator handed it (keyed state holds records that came over the
    // network, or the function's own), so records pass along a chain without Flink's defensive deep copy.
    env.getConfig().enableObjectReuse();

    DataStream<RankLoad> rankLoads = null;
    DataStream<StepOutcome> late = null;
    DataStream<DeadLetter> deadLetters = null;

    if (tokenEvents != null) {
      SingleOutputStreamOperator<InputRecord<TokenEvent>> tokens = env
          .fromSource(tokenEvents, watermarks(settings, token -> token.getEventTime().toEpochMilli()),
              "token events")
          .uid("token-events-source")
          .process(new InputTriage<TokenEvent>(), InputRecord.typeInfo(TokenEvent.class))
          .uid("token-events-triage").name("token events: check");
      SingleOutputStreamOperator<RequestToken> ordered = tokens
          .map(RequestToken::of, RequestToken.TYPE)
          .uid("token-events-as-tokens").name("token events -> tokens")
          .keyBy(token -> Keys.request(token.clusterId(), token.requestId()))
          .process(new RequestStepOrderFunction(settings), RequestToken.TYPE)
          .uid("request-step-order").name("requests: step order");
      rankLoads = ordered
          .transform("tokens -> rank-step shares", TypeInformation.of(RankLoad.class), new TokenFoldOperator())
          .uid("token-fold");
      late = ordered.getSideOutput(RequestStepOrderFunction.LATE);
      deadLetters = tokens.getSideOutput(InputTriage.DEAD_LETTERS)
          .union(ordered.getSideOutput(RequestStepOrderFunction.DEAD_LETTERS));
    }
    if (rankSteps != null) {
      SingleOutputStreamOperator<InputRecord<RankStep>> records = env
          .fromSource(rankSteps, watermarks(settings, record -> record.getStepStart().toEpochMilli()), "rank-steps")
          .uid("rank-steps-source")
          .process(new InputTriage<RankStep>(), InputRecord.typeInfo(RankStep.class))
          .uid("rank-steps-triage").name("rank-steps: check");
      DataStream<RankLoad> loads = records.map(record -> RankLoad.of(record.value))
          .returns(RankLoad.class)
          .uid("rank-steps-as-loads").name("rank-steps -> loads");
      rankLoads = rankLoads == null ? loads : rankLoads.union(loads);
      DataStream<DeadLetter> rejected = records.getSideOutput(InputTriage.DEAD_LETTERS);
      deadLetters = deadLetters == null ? rejected : deadLetters.union(rejected);
    }

    SingleOutputStreamOperator<StepLoads> stepWindows = rankLoads
        .keyBy(load -> Keys.step(load.clusterId, load.step))
        .process(new StepWindowFunction(settings))
        .uid("step-windows").name("step windows");
    DataStream<StepOutcome> lateRankSteps = stepWindows.getSideOutput(StepWindowFunction.LATE);
    late = late == null ? lateRankSteps : late.union(lateRankSteps);

    SingleOutputStreamOperator<StepOutcome> steps = stepWindows
        .keyBy(loads -> loads.clusterId)
        .process(new StepMetricsFunction(settings))
        .uid("step-metrics").name("step metrics");
    if (stepMetricsSink != null) {
      steps.map(outcome -> outcome.metrics)
          .returns(new AvroTypeInfo<>(StepMetrics.class))
          .uid("step-metrics-records").name("step metrics: records")
          .sinkTo(stepMetricsSink)
          .uid("step-metrics-sink").name("step metrics sink");
    }

    steps.union(late)
        .keyBy(outcome -> Keys.clusterPolicy(outcome.clusterId, outcome.policy))
        .process(new WindowMetricsFunction(settings.window(), settings.maxStepSpread()),
            new AvroTypeInfo<>(WindowMetrics.class))
        .uid("window-metrics").name("window metrics")
        .sinkTo(windowMetricsSink)
        .uid("window-metrics-sink").name("window metrics sink");

    deadLetters.map(new CountDeadLetters())
        .uid("dead-letter-count").name("dead letters: count")
        .sinkTo(deadLetterSink)
        .uid("dead-letter-sink").name("dead letter sink");
  }

  /**
   * Bounded out-of-orderness on the records' own times, per Kafka partition, with idleness. An invalid record gets no
   * time, so that a garbage timestamp cannot push the watermark ahead and make every valid record late.
   */
  private static <T extends SpecificRecord> WatermarkStrategy<InputRecord<T>> watermarks(AnalyticsSettings settings,
      RecordTime<T> time) {
    SerializableTimestampAssigner<InputRecord<T>> assigner =
        (record, kafkaTime) -> record.isValid() ? time.of(record.value) : Long.MIN_VALUE;
    return WatermarkStrategy.<InputRecord<T>>forBoundedOutOfOrderness(settings.outOfOrderness())
        .withTimestampAssigner(assigner)
        .withIdleness(settings.idleness());
  }

  @FunctionalInterface
  private interface RecordTime<T> extends java.io.Serializable {
    long of(T record);
  }

  static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String text) {
      String t = text.trim().toLowerCase(Locale.ROOT);
      Map<String, Duration> units = Map.of("ms", Duration.ofMillis(1), "s", Duration.ofSeconds(1),
          "m", Duration.ofMinutes(1), "h", Duration.ofHours(1));
      for (String unit : new String[] {"ms", "s", "m", "h"}) {
        if (t.endsWith(unit)) {
          String number = t.substring(0, t.length() - unit.length()).trim();
          try {
            return units.get(unit).multipliedBy(Long.parseLong(number));
          } catch (NumberFormatException e) {
            break;
          }
        }
      }
      throw new CommandLine.TypeConversionException(
          "expected a duration such as 500ms, 10s, 5m or 1h, got '" + text + "'");
    }
  }

  static final class InputConverter implements CommandLine.ITypeConverter<Input> {
    @Override
    public Input convert(String text) {
      return switch (text.trim()) {
        case "token-events" -> Input.TOKEN_EVENTS;
        case "rank-steps" -> Input.RANK_STEPS;
        default -> throw new CommandLine.TypeConversionException(
            "expected token-events or rank-steps, got '" + text + "'");
      };
    }
  }

  static final class StartingOffsetsConverter implements CommandLine.ITypeConverter<StartingOffsets> {
    @Override
    public StartingOffsets convert(String text) {
      try {
        return StartingOffsets.valueOf(text.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(
            "expected committed, earliest or latest, got '" + text + "'");
      }
    }
  }

  static final class DeliveryGuaranteeConverter implements CommandLine.ITypeConverter<DeliveryGuarantee> {
    @Override
    public DeliveryGuarantee convert(String text) {
      return switch (text.trim()) {
        case "at-least-once" -> DeliveryGuarantee.AT_LEAST_ONCE;
        case "exactly-once" -> DeliveryGuarantee.EXACTLY_ONCE;
        default -> throw new CommandLine.TypeConversionException(
            "expected at-least-once or exactly-once, got '" + text + "'");
      };
    }
  }
}
