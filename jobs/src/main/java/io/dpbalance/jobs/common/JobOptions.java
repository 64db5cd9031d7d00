package io.dpbalance.jobs.common;

import io.dpbalance.jobs.io.KafkaConnectors;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The flags every dpbalance Flink job shares (a picocli mixin): Kafka connection and security, consumer group and
 * starting offsets, checkpointing and delivery guarantee, parallelism, the bounded file mode, and where the job runs
 * (embedded MiniCluster, or a Flink cluster's REST endpoint). Also how a job's {@code main} reports usage errors.
 */
public final class JobOptions {

  /** The broker's default transaction.max.timeout.ms: a longer transaction timeout is refused. */
  private static final Duration BROKER_MAX_TRANSACTION_TIMEOUT = Duration.ofMinutes(15);

  public enum StartingOffsets { COMMITTED, EARLIEST, LATEST }

  @Option(names = "--bootstrap", paramLabel = "HOST:PORT[,...]", defaultValue = "127.0.0.1:9092",
      description = "Kafka bootstrap servers. Default ${DEFAULT-VALUE} (the broker of `bin/dpbalance kafka start`).")
  public String bootstrap;

  @Option(names = "--kafka-properties", paramLabel = "FILE",
      description = "Kafka client properties (security.protocol, sasl.*, ssl.*, ...) for consumers and producers.")
  public Path kafkaProperties;

  @Option(names = "--prefix", paramLabel = "PREFIX", defaultValue = "",
      description = "Put in front of every topic name (as `bin/dpbalance topics create --prefix`).")
  public String prefix;

  @Option(names = "--group-id", paramLabel = "GROUP",
      description = "Kafka consumer group (offsets are committed on checkpoints). Default: the job's name.")
  public String groupId;

  @Option(names = "--starting-offsets", defaultValue = "committed", converter = StartingOffsetsConverter.class,
      description = "committed (the group's, else earliest), earliest or latest. Default ${DEFAULT-VALUE}.")
  public StartingOffsets startingOffsets;

  @Option(names = "--bounded",
      description = "Stop at the end offsets the input topics have when the job starts (replay a finished stream).")
  public boolean bounded;

  @Option(names = "--checkpoint-interval", paramLabel = "DURATION", defaultValue = "10s",
      converter = DurationConverter.class,
      description = "Checkpoint interval; Kafka output is flushed (and, exactly-once, committed) on checkpoints. "
          + "Default ${DEFAULT-VALUE}.")
  public Duration checkpointInterval;

  @Option(names = "--checkpoint-dir", paramLabel = "URI",
      description = "Where checkpoints go (file:///..., s3://...). Default: var/checkpoints under the working folder "
          + "when running embedded, the cluster's own setting with --jobmanager. The JobManager's heap, Flink's "
          + "default, holds only 5 MB per operator: too little for the jobs' state.")
  public String checkpointDir;

  @Option(names = "--from-savepoint", paramLabel = "PATH",
      description = "Start from this savepoint or retained checkpoint (a folder holding _metadata, as `bin/dpbalance "
          + "flink stop-job --savepoint` or Ctrl-C print it): the job's state and Kafka offsets carry on from it. "
          + "Kafka runs only.")
  public String fromSavepoint;

  @Option(names = "--allow-non-restored-state",
      description = "With --from-savepoint: start even if the savepoint holds state of an operator the job no longer "
          + "has (that state is dropped). Without it such a restore fails, naming the operator.")
  public boolean allowNonRestoredState;

  @Option(names = "--delivery-guarantee", paramLabel = "GUARANTEE", defaultValue = "at-least-once",
      converter = DeliveryGuaranteeConverter.class,
      description = "at-least-once or exactly-once (Kafka transactions; readers must use read_committed). Default "
          + "${DEFAULT-VALUE}.")
  public DeliveryGuarantee deliveryGuarantee;

  @Option(names = "--transactional-id-prefix", paramLabel = "PREFIX",
      description = "Exactly-once: prefix of the sinks' transactional ids, unique per job on the cluster. Default: "
          + "the job's name.")
  public String transactionalIdPrefix;

  @Option(names = "--transaction-timeout", paramLabel = "DURATION", defaultValue = "10m",
      converter = DurationConverter.class,
      description = "Exactly-once: transaction.timeout.ms, at most the broker's maximum (15m by default) and well "
          + "above the checkpoint interval. Default ${DEFAULT-VALUE}.")
  public Duration transactionTimeout;

  @Option(names = "--parallelism", paramLabel = "N", description = "Default parallelism (default: Flink's).")
  public Integer parallelism;

  @Option(names = "--max-parallelism", paramLabel = "N", defaultValue = "128",
      description = "Max parallelism: the number of key groups, fixed for the life of the job's state. Default "
          + "${DEFAULT-VALUE}.")
  public int maxParallelism;

  @Option(names = "--input-files", paramLabel = "DIR",
      description = "Batch mode: read <DIR>/<topic>.avro (Avro container files, as the datagen writes them) instead "
          + "of Kafka.")
  public Path inputFiles;

  @Option(names = "--output-files", paramLabel = "DIR",
      description = "Batch mode: write JSON lines (field names of the .avsc) under <DIR>/<topic>/ instead of Kafka.")
  public Path outputFiles;

  @Option(names = "--jobmanager", paramLabel = "HOST:PORT",
      description = "Submit the shaded job jar to this Flink cluster's REST endpoint (e.g. the one of `bin/dpbalance "
          + "flink start`) instead of running on an embedded MiniCluster; returns once all its tasks run, with its id.")
  public String jobmanager;

  @Option(names = "--submission-timeout", paramLabel = "DURATION", defaultValue = "60s",
      converter = DurationConverter.class,
      description = "With --jobmanager: how long every task of the submitted job may take to run (tasks wait for free "
          + "task slots; the run says so when the cluster has too few) before this run fails, leaving the job "
          + "submitted. Default ${DEFAULT-VALUE}.")
  public Duration submissionTimeout;

  /** Whether the job reads files (batch mode) rather than Kafka; checks the two file flags go together. */
  public boolean fileMode() {
    if ((inputFiles == null) != (outputFiles == null)) {
      throw new IllegalArgumentException("--input-files and --output-files go together (batch mode)");
    }
    return inputFiles != null;
  }

  /**
   * Whether the job's {@code main} runs inside a Flink cluster (application mode, a jar run over REST, or
   * {@code flink run}): known once {@link #environment} made the environment. Such a run takes its checkpoint storage
   * from the cluster's configuration and has no embedded-run summary or shutdown hook.
   */
  private boolean insideCluster;

  /** See {@link #insideCluster}; false before {@link #environment} ran. */
  public boolean insideCluster() {
    return insideCluster;
  }

  /**
   * The environment: remote when --jobmanager is given, else the context's (a Flink cluster's when {@code main} runs
   * inside one, else local); batch execution in file mode.
   */
  public StreamExecutionEnvironment environment(Class<?> jobClass) {
    StreamExecutionEnvironment env;
    if (jobmanager == null) {
      env = StreamExecutionEnvironment.getExecutionEnvironment();
      insideCluster = ClusterSubmission.insideCluster(env);
    } else {
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
      env = StreamExecutionEnvironment.createRemoteEnvironment(host, port, jobJar(jobClass));
    }
    if (parallelism != null) {
      env.setParallelism(parallelism);
    }
    if (fileMode()) {
      env.setRuntimeMode(RuntimeExecutionMode.BATCH);
    }
    env.configure(recoveryConfiguration());
    return env;
  }

  /**
   * The restore settings of --from-savepoint / --allow-non-restored-state, as Flink's configuration
   * ({@code execution.state-recovery.path}, {@code execution.state-recovery.ignore-unclaimed-state}); empty without
   * --from-savepoint. A local path (or file: URI) must be a savepoint: a folder holding {@code _metadata}, or that file.
   *
   * @throws IllegalArgumentException naming the flag when the savepoint does not exist or does not go with the run
   */
  public org.apache.flink.configuration.Configuration recoveryConfiguration() {
    org.apache.flink.configuration.Configuration conf = new org.apache.flink.configuration.Configuration();
    if (fromSavepoint == null) {
      if (allowNonRestoredState) {
        throw new IllegalArgumentException("--allow-non-restored-state goes with --from-savepoint");
      }
      return conf;
    }
    if (fileMode()) {
      throw new IllegalArgumentException("--from-savepoint: a file (batch) run keeps no state to restore; it applies "
          + "to Kafka runs");
    }
    if (bounded) {
      throw new IllegalArgumentException("--from-savepoint with --bounded: a bounded Kafka source restored from a "
          + "savepoint never ends (its split enumerator never says that no more splits come: FLINK-31006); restore "
          + "without --bounded and stop the job with bin/dpbalance flink stop-job or Ctrl-C");
    }
    String path = fromSavepoint.trim();
    Path local = null;
    if (path.startsWith("file:")) {
      local = Path.of(java.net.URI.create(path));
    } else if (!path.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
      local = Path.of(path).toAbsolutePath();
      path = local.toUri().toString();
    }
    if (local != null) {
      Path metadata = Files.isDirectory(local) ? local.resolve("_metadata") : local;
      if (!Files.isRegularFile(metadata) || !metadata.getFileName().toString().equals("_metadata")) {
        throw new IllegalArgumentException("--from-savepoint: " + local + " is not a savepoint (no _metadata "
            + (Files.exists(local) ? "in it" : "there: it does not exist") + "); give the folder that `bin/dpbalance "
            + "flink stop-job --savepoint` printed, or a chk-N folder of a retained checkpoint");
      }
    }
    conf.set(org.apache.flink.configuration.StateRecoveryOptions.SAVEPOINT_PATH, path);
    conf.set(org.apache.flink.configuration.StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE,
        allowNonRestoredState);
    return conf;
  }

  /**
   * Fails at once, with what to do, when none of the bootstrap servers accepts a connection (the Kafka clients would
   * retry forever) of a job run here, or when the --kafka-properties settings do not work with the broker (see
   * {@link #checkClientSettings}).
   */
  public void requireBroker() {
    if (jobmanager != null || insideCluster) {
      // The cluster's network is what matters, not the submitting machine's; but a broker this machine reaches gets
      // the security check, which the cluster's jobs would otherwise only fail (and fail over) on for ever.
      if (reachable() != null) {
        checkClientSettings();
      }
      return;
    }
    String reached = reachable();
    if (reached == null) {
      throw new IllegalArgumentException("--bootstrap: no Kafka broker answers at " + String.join(", ", tried)
          + "; bin/dpbalance kafka start runs a local one");
    }
    checkClientSettings();
  }

  /** How long the pre-flight check of the Kafka client settings may take. */
  static final Duration PREFLIGHT_TIMEOUT = Duration.ofSeconds(20);

  /**
   * With --kafka-properties: one AdminClient request (describe the cluster) with those settings, bounded by
   * {@link #PREFLIGHT_TIMEOUT}, before the job starts. A security setting the broker refuses (a SASL mechanism it
   * does not offer, wrong credentials, a JAAS config that does not parse, TLS that does not match) fails this run at
   * once, naming the flag and with Kafka's own error, instead of a job whose every source and sink fails and restarts
   * for ever (the restart strategy stays unbounded, so that a broker outage of any length does not end a job).
   */
  void checkClientSettings() {
    if (kafkaProperties == null) {
      return;
    }
    Properties properties = clientProperties();
    properties.put(org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    int millis = (int) PREFLIGHT_TIMEOUT.toMillis();
    properties.put(org.apache.kafka.clients.admin.AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis);
    properties.put(org.apache.kafka.clients.admin.AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
    String what = "--kafka-properties " + kafkaProperties + ": the Kafka client cannot work with " + bootstrap
        + " with these settings, so the job would fail and restart for ever; ";
    try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(properties)) {
      admin.describeCluster(new org.apache.kafka.clients.admin.DescribeClusterOptions().timeoutMs(millis))
          .clusterId().get(millis + 5000L, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalArgumentException(what + kafkaError(e.getCause()), e);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalArgumentException(what + "no answer within " + PREFLIGHT_TIMEOUT.toSeconds() + " s (a "
          + "security.protocol the listener does not speak?)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while checking --kafka-properties", e);
    } catch (org.apache.kafka.common.KafkaException | IllegalArgumentException e) {
      throw new IllegalArgumentException(what + kafkaError(e), e); // settings the client itself refuses
    }
  }

  /** Kafka's error and its causes' messages, e.g. "KafkaException: Failed to create ... <- JAAS config entry ...". */
  private static String kafkaError(Throwable e) {
    StringBuilder text = new StringBuilder();
    for (Throwable t = e; t != null && text.length() < 600; t = t.getCause() == t ? null : t.getCause()) {
      if (text.length() > 0) {
        text.append(" <- ");
      }
      text.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
    }
    return text.toString();
  }

  private final List<String> tried = new ArrayList<>();

  /** The first bootstrap server that accepts a connection, or null (each failure noted in {@link #tried}). */
  private String reachable() {
    tried.clear();
    for (String server : bootstrap.split(",")) {
      String s = server.trim();
      int colon = s.lastIndexOf(':');
      if (s.isEmpty() || colon <= 0) {
        throw new IllegalArgumentException("--bootstrap: expected HOST:PORT[,...], got '" + bootstrap + "'");
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(s.substring(0, colon), Integer.parseInt(s.substring(colon + 1))), 3000);
        return s;
      } catch (IOException | NumberFormatException e) {
        tried.add(s + " (" + e.getMessage() + ")");
      }
    }
    return null;
  }

  /** Checkpointing for the Kafka mode, with the mode the delivery guarantee needs. */
  public void enableCheckpointing(StreamExecutionEnvironment env) {
    if (deliveryGuarantee == DeliveryGuarantee.EXACTLY_ONCE
        && transactionTimeout.compareTo(BROKER_MAX_TRANSACTION_TIMEOUT) > 0) {
      throw new IllegalArgumentException("--transaction-timeout " + transactionTimeout.toMinutes()
          + "m is above the broker's default maximum of 15m (transaction.max.timeout.ms)");
    }
    env.enableCheckpointing(checkpointInterval.toMillis(), deliveryGuarantee == DeliveryGuarantee.EXACTLY_ONCE
        ? CheckpointingMode.EXACTLY_ONCE : CheckpointingMode.AT_LEAST_ONCE);
    // Embedded: var/checkpoints; on a cluster (--jobmanager, or main running inside one): the cluster's own setting.
    String dir = checkpointDir != null ? checkpointDir
        : jobmanager == null && !insideCluster ? Path.of("var", "checkpoints").toAbsolutePath().toUri().toString()
        : null;
    org.apache.flink.configuration.Configuration storage = new org.apache.flink.configuration.Configuration();
    // A cancelled job keeps its last checkpoint (<dir>/<job id>/chk-N), from which --from-savepoint restarts it; a job
    // that finishes has no use for it (an embedded run deletes its folder then: see cleanCheckpoints). Inside a
    // cluster whose configuration sets a retention, that one holds.
    if (!(insideCluster && env.getConfiguration().getOptional(
        org.apache.flink.configuration.CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION).isPresent())) {
      storage.set(org.apache.flink.configuration.CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
          org.apache.flink.configuration.ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
    }
    if (dir != null) {
      storage.set(org.apache.flink.configuration.CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
      storage.set(org.apache.flink.configuration.CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir);
      checkpointRoot = dir;
    }
    env.configure(storage);
  }

  /** Where this run's checkpoints go (each job in a folder named by its id), once checkpointing is enabled. */
  private String checkpointRoot;

  /**
   * After an embedded run: deletes the job's checkpoint folder when the run ended normally (end of input, or stopped
   * with a savepoint, which holds the state from then on); otherwise keeps it and says where it is, so the job can be
   * restarted from its last checkpoint with --from-savepoint.
   *
   * @return a line for the summary, or null when there is nothing to say
   */
  String cleanCheckpoints(JobID id, boolean endedNormally) {
    if (checkpointRoot == null || !checkpointRoot.startsWith("file:")) {
      return null;
    }
    Path folder = Path.of(java.net.URI.create(checkpointRoot)).resolve(id.toHexString());
    if (!Files.isDirectory(folder)) {
      return null;
    }
    if (!endedNormally) {
      return "checkpoints kept in " + folder + " (restart from the newest chk-N folder in it with --from-savepoint)";
    }
    try (var paths = Files.walk(folder)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
      return null;
    } catch (IOException e) {
      return "could not delete the finished run's checkpoints in " + folder + ": " + e.getMessage();
    }
  }

  /** What this run reads and writes; the jobs add to it as they define their sources and sinks. */
  private RunSummary summary;

  /** The run's summary, made on first use with a run id unique to this run. */
  public RunSummary summary(String command) {
    if (summary == null) {
      String id = command + "-" + java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
          .format(java.time.LocalDateTime.now()) + "-" + Long.toHexString(System.nanoTime() & 0xffffff);
      summary = new RunSummary(command, id);
    }
    return summary;
  }

  /** Names an input of the run (topic, prefix included, or file) for the start message. */
  public void reads(String command, String what) {
    summary(command).input(what);
  }

  /** A JSON-lines file sink into {@code <--output-files>/<topic>}, counted in the run's summary. */
  public <T extends SpecificRecord> Sink<T> fileSink(String command, String topic) {
    java.nio.file.Path dir = outputFiles.resolve(topic).toAbsolutePath();
    summary(command).output(dir.toString());
    return io.dpbalance.jobs.io.FileConnectors.jsonLines(new org.apache.flink.core.fs.Path(dir.toUri()), topic);
  }

  /**
   * Runs the defined job: on a cluster, submits it and returns once every task runs, saying how to follow and cancel
   * it (a job that fails before that fails this run with the cluster's reason; one that waits for slots says so);
   * embedded, prints a start line, runs it to its end (or until SIGINT/SIGTERM, which stops it with a savepoint so that
   * exactly-once output is committed) and prints what it committed per output.
   */
  public void execute(StreamExecutionEnvironment env, String jobName) throws Exception {
    if (insideCluster) {
      env.execute(jobName); // the cluster runs it; the cluster's restart strategy and checkpoints keep it going
      return;
    }
    if (jobmanager == null) {
      executeEmbedded(env, jobName);
      return;
    }
    JobClient client = env.executeAsync(jobName);
    JobID id = client.getJobID();
    System.out.println("submitted job " + id + " to " + jobmanager);
    String outcome = ClusterSubmission.awaitRunning(client, jobmanager, submissionTimeout, System.out);
    System.out.println("job " + id + " is " + outcome + ": web UI http://" + jobmanager + "/#/job/"
        + (outcome.startsWith("RUNNING") ? "running/" : "completed/") + id);
    if (outcome.startsWith("RUNNING")) {
      System.out.println("cancel it with: bin/dpbalance flink cancel " + id + " --jobmanager " + jobmanager);
    }
  }

  private void executeEmbedded(StreamExecutionEnvironment env, String jobName) throws Exception {
    RunSummary run = summary;
    if (run == null) { // a job that named no inputs and outputs: run it as before
      env.execute(jobName);
      return;
    }
    boolean kafka = !fileMode();
    String logFile = System.getProperty("dpbalance.log.file");
    System.out.println(run.startLine(kafka ? "from Kafka " + bootstrap + (bounded ? " (bounded: up to the end offsets "
        + "of now)" : " (unbounded: Ctrl-C stops)") : "(files, batch)",
        kafka ? "(" + deliveryGuarantee.toString().toLowerCase(Locale.ROOT).replace('_', '-') + ")" : "(JSON lines)",
        logFile));
    System.out.flush();
    if (kafka) {
      run.markKafkaStart(bootstrap, clientProperties());
    }
    // Whoever sets this reports: the main thread at the job's end, or the shutdown hook on SIGINT/SIGTERM. The hook is
    // in place before the job is submitted, so that a signal during submission is reported too.
    AtomicBoolean reported = new AtomicBoolean();
    CountDownLatch mainReported = new CountDownLatch(1);
    AtomicReference<JobClient> submitted = new AtomicReference<>();
    Thread hook = new Thread(() -> {
      if (!reported.compareAndSet(false, true)) {
        await(mainReported); // the job ended first: let the main thread finish its report
        return;
      }
      JobClient running = submitted.get();
      String outcome = running == null ? "interrupted while the job was being submitted; it did not run"
          : stopOnSignal(running, kafka);
      report(run, outcome, kafka); // the JVM exits once this hook returns
      if (running != null) {
        sayCheckpoints(running.getJobID(), outcome.startsWith(STOPPED_WITH_SAVEPOINT));
      }
    }, "dpbalance-run-summary");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      JobClient client = env.executeAsync(jobName);
      submitted.set(client);
      client.getJobExecutionResult().get();
      if (reported.compareAndSet(false, true)) {
        report(run, "finished (end of input)", kafka);
        sayCheckpoints(client.getJobID(), true);
      }
    } catch (ExecutionException e) {
      if (reported.compareAndSet(false, true)) {
        report(run, "FAILED: " + rootCause(e), kafka); // what it committed before it failed
        JobClient failed = submitted.get();
        if (failed != null) {
          sayCheckpoints(failed.getJobID(), false);
        }
        throw new IllegalStateException(rootCause(e), e);
      }
    } catch (Exception e) {
      reported.compareAndSet(false, true); // submission failed: nothing for the hook to report
      throw e;
    } finally {
      mainReported.countDown();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook); // a later run in this JVM (tests, the demo) has its own
    } catch (IllegalStateException shuttingDown) {
      // the JVM exits: the hook, if it took over, reports before it does
    }
  }

  private static final String STOPPED_WITH_SAVEPOINT = "stopped on interrupt with savepoint ";

  private void sayCheckpoints(JobID id, boolean endedNormally) {
    String line = cleanCheckpoints(id, endedNormally);
    if (line != null) {
      System.out.println("  " + line);
      System.out.flush();
    }
  }

  /** On SIGINT/SIGTERM: stops the running job, with a savepoint in Kafka mode; says what became of the output. */
  private static String stopOnSignal(JobClient client, boolean kafka) {
    try {
      JobStatus status = client.getJobStatus().get(10, TimeUnit.SECONDS);
      if (status.isGloballyTerminalState()) {
        return "ended " + status + " as it was interrupted";
      }
      if (kafka) {
        System.out.println("interrupted: stopping the job with a savepoint, which commits its open transactions...");
        System.out.flush();
        String savepoint = client.stopWithSavepoint(false, Path.of("var", "savepoints").toAbsolutePath().toUri()
            .toString(), SavepointFormatType.DEFAULT).get(2, TimeUnit.MINUTES);
        return STOPPED_WITH_SAVEPOINT + savepoint + "; output up to it committed (restart from it with "
            + "--from-savepoint " + savepoint + ")";
      }
      client.cancel().get(1, TimeUnit.MINUTES);
      return "cancelled on interrupt: batch output is committed only when the job finishes, so files written so far "
          + "are in-progress files that do not count";
    } catch (Exception e) {
      return "interrupted, and stopping the job failed (" + rootCause(e) + "): output in open transactions was NOT "
          + "committed (exactly-once: it is aborted when the transactions time out)";
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(3, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private synchronized void report(RunSummary run, String outcome, boolean kafka) {
    try {
      Map<String, Long> counts = kafka ? run.countKafka(bootstrap, clientProperties()) : run.countFiles();
      run.print(System.out, outcome, counts, bootstrap, kafka);
    } catch (RuntimeException | Error e) {
      System.out.println(run.command() + ": " + outcome + "; counting the committed output failed: " + e);
      System.out.flush();
    }
  }

  private static String rootCause(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause.toString();
  }

  public OffsetsInitializer offsets() {
    return switch (startingOffsets) {
      case COMMITTED -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
      case EARLIEST -> OffsetsInitializer.earliest();
      case LATEST -> OffsetsInitializer.latest();
    };
  }

  public String groupId(String fallback) {
    return groupId != null ? groupId : fallback;
  }

  /** A Kafka sink of the configured delivery guarantee; {@code name} makes its transactional id unique. */
  public <T extends SpecificRecord> Sink<T> kafkaSink(String topic, Class<T> type, String name, String fallbackPrefix) {
    String transactional = (transactionalIdPrefix != null ? transactionalIdPrefix : fallbackPrefix) + "-" + name;
    String runId = summary != null && !insideCluster ? summary.runId() : null;
    if (summary != null) {
      summary.output(prefix + topic);
    }
    return KafkaConnectors.sink(bootstrap, prefix + topic, type, deliveryGuarantee, transactional,
        transactionTimeout.toMillis(), clientProperties(), runId);
  }

  public Properties clientProperties() {
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

  /** The shaded job jar to ship to a remote cluster: named by the launcher, else the jar the job class came from. */
  private static String jobJar(Class<?> jobClass) {
    String named = System.getProperty("dpbalance.job.jar");
    String jar = named != null ? named : jobClass.getProtectionDomain().getCodeSource().getLocation().getPath();
    if (!jar.endsWith(".jar") || !Files.isRegularFile(Path.of(jar))) {
      throw new IllegalArgumentException("--jobmanager needs the shaded job jar (mvn -pl jobs -am install builds "
          + "jobs/target/dpbalance-jobs-*-job.jar); not found: " + jar);
    }
    return jar;
  }

  /**
   * A job's {@code main}: parses, prints help, runs; a usage error prints the message and exits 2. Never exits after
   * a run, and never exits inside a Flink cluster (application mode, a jar run over REST: {@code main} runs in the
   * JobManager, which {@code System.exit} would end): there a usage error is thrown, and the cluster reports it.
   */
  public static void main(String command, Runnable job, String[] args) {
    CommandLine cli = new CommandLine(job);
    try {
      cli.parseArgs(args);
    } catch (CommandLine.ParameterException e) {
      if (ClusterSubmission.insideCluster(StreamExecutionEnvironment.getExecutionEnvironment())) {
        throw new IllegalArgumentException("dpbalance " + command + ": " + e.getMessage(), e);
      }
      fail(command, e.getMessage());
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
      if (ClusterSubmission.insideCluster(StreamExecutionEnvironment.getExecutionEnvironment())) {
        throw e;
      }
      fail(command, e.getMessage());
    } catch (SubmissionFailure e) {
      System.err.println("dpbalance " + command + ": " + e.getMessage());
      System.exit(1);
    }
  }

  /** A job submitted with --jobmanager that failed, or did not run, on the cluster: said in one message, exit 1. */
  public static final class SubmissionFailure extends RuntimeException {
    SubmissionFailure(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private static void fail(String command, String message) {
    PrintStream err = System.err;
    err.println("dpbalance " + command + ": " + message);
    err.println("(bin/dpbalance " + command + " --help lists the options)");
    System.exit(2);
  }

  public static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String text) {
      return parseDuration(text);
    }
  }

  /** {@code 500ms}, {@code 10s}, {@code 5m}, {@code 1h}. */
  public static Duration parseDuration(String text) {
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

  public static final class StartingOffsetsConverter implements CommandLine.ITypeConverter<StartingOffsets> {
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

  public static final class DeliveryGuaranteeConverter implements CommandLine.ITypeConverter<DeliveryGuarantee> {
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
