package io.dpbalance.jobs.common;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;

/**
 * A job run on the embedded MiniCluster: prints a start line, runs it to its end (or until SIGINT/SIGTERM, which stops
 * it with a savepoint so that exactly-once output is committed) and prints what it committed per output.
 */
final class EmbeddedRun {

    private static final String STOPPED_WITH_SAVEPOINT = "stopped on interrupt with savepoint ";

    private final JobOptions options;
    private final JobEnvironment environment;
    private final RunSummary run;

    EmbeddedRun(JobOptions options, JobEnvironment environment, RunSummary run) {
        this.options = options;
        this.environment = environment;
        this.run = run;
    }

    void run(String jobName) throws Exception {
        boolean kafka = !options.fileMode();
        String bootstrap = options.kafka.bootstrap;
        String logFile = System.getProperty("dpbalance.log.file");
        System.out.println(run.startLine(
                kafka
                        ? "from Kafka " + bootstrap
                                + (options.kafka.bounded
                                        ? " (bounded: up to " + "the end offsets of now)"
                                        : " (unbounded: Ctrl-C stops)")
                        : "(files, batch)",
                kafka
                        ? "("
                                + options.delivery
                                        .deliveryGuarantee
                                        .toString()
                                        .toLowerCase(Locale.ROOT)
                                        .replace('_', '-')
                                + ")"
                        : "(JSON lines)",
                logFile));
        System.out.flush();
        if (kafka) {
            run.markKafkaStart(bootstrap, options.kafka.clientProperties());
        }
        // Whoever sets this reports: the main thread at the job's end, or the shutdown hook on SIGINT/SIGTERM. The hook
        // is
        // in place before the job is submitted, so that a signal during submission is reported too.
        AtomicBoolean reported = new AtomicBoolean();
        CountDownLatch mainReported = new CountDownLatch(1);
        AtomicReference<JobClient> submitted = new AtomicReference<>();
        Thread hook = new Thread(
                () -> {
                    if (!reported.compareAndSet(false, true)) {
                        await(mainReported); // the job ended first: let the main thread finish its report
                        return;
                    }
                    JobClient running = submitted.get();
                    String outcome = running == null
                            ? "interrupted while the job was being submitted; it did not run"
                            : stopOnSignal(running, kafka);
                    report(outcome, kafka); // the JVM exits once this hook returns
                    if (running != null) {
                        sayCheckpoints(running.getJobID(), outcome.startsWith(STOPPED_WITH_SAVEPOINT));
                    }
                },
                "dpbalance-run-summary");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            JobClient client = environment.env().executeAsync(jobName);
            submitted.set(client);
            client.getJobExecutionResult().get();
            if (reported.compareAndSet(false, true)) {
                report("finished (end of input)", kafka);
                sayCheckpoints(client.getJobID(), true);
            }
        } catch (ExecutionException e) {
            if (reported.compareAndSet(false, true)) {
                report("FAILED: " + ClusterSubmission.rootCause(e), kafka); // what it committed before it failed
                JobClient failed = submitted.get();
                if (failed != null) {
                    sayCheckpoints(failed.getJobID(), false);
                }
                throw new IllegalStateException(ClusterSubmission.rootCause(e), e);
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

    private void sayCheckpoints(JobID id, boolean endedNormally) {
        String line = environment.cleanCheckpoints(id, endedNormally);
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
                System.out.println(
                        "interrupted: stopping the job with a savepoint, which commits its open transactions...");
                System.out.flush();
                String savepoint = client.stopWithSavepoint(
                                false,
                                Path.of("var", "savepoints")
                                        .toAbsolutePath()
                                        .toUri()
                                        .toString(),
                                SavepointFormatType.DEFAULT)
                        .get(2, TimeUnit.MINUTES);
                return STOPPED_WITH_SAVEPOINT + savepoint + "; output up to it committed (restart from it with "
                        + "--from-savepoint " + savepoint + ")";
            }
            client.cancel().get(1, TimeUnit.MINUTES);
            return "cancelled on interrupt: batch output is committed only when the job finishes, so files written so far "
                    + "are in-progress files that do not count";
        } catch (Exception e) {
            return "interrupted, and stopping the job failed (" + ClusterSubmission.rootCause(e) + "): output in open "
                    + "transactions was NOT committed (exactly-once: it is aborted when the transactions time out)";
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(3, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized void report(String outcome, boolean kafka) {
        String bootstrap = options.kafka.bootstrap;
        try {
            Map<String, Long> counts =
                    kafka ? run.countKafka(bootstrap, options.kafka.clientProperties()) : run.countFiles();
            run.print(System.out, outcome, counts, bootstrap, kafka);
        } catch (RuntimeException | Error e) {
            System.out.println(run.command() + ": " + outcome + "; counting the committed output failed: " + e);
            System.out.flush();
        }
    }
}
