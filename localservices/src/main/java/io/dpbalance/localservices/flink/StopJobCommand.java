package io.dpbalance.localservices.flink;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bin/dpbalance flink stop-job JOBID --savepoint DIR}: stop-with-savepoint (as {@code flink stop}), wait for
 * the savepoint and the job's end, print the savepoint's path.
 */
@Command(
        name = "stop-job",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Stop a job of the local Flink cluster (or of --jobmanager) with a savepoint: the job writes "
                    + "its state into a folder under --savepoint, commits its exactly-once output on it, and finishes. "
                    + "Prints the savepoint's path; restart the job (the same or a newer jar) from it with "
                    + "`bin/dpbalance analytics|shadow ... --from-savepoint PATH`.",
            "The folder must be reachable by the JobManager and every TaskManager (on the local cluster: any local "
                    + "folder)."
        })
final class StopJobCommand implements Callable<Integer> {

    @Parameters(paramLabel = "JOBID", description = "Id of the job (bin/dpbalance flink jobs).")
    String jobId;

    @Option(
            names = "--savepoint",
            paramLabel = "DIR",
            required = true,
            description = "Where the savepoint goes: a local folder (made absolute) or a URI (file:///..., s3://...).")
    String savepointDir;

    @Mixin
    EndpointOptions endpoint;

    @Option(
            names = "--wait",
            paramLabel = "SECONDS",
            defaultValue = "300",
            description = "How long to wait for the savepoint and the job's end. Default ${DEFAULT-VALUE}.")
    int waitSeconds;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        JobID job = JobManager.jobId(jobId);
        String target = savepointDir.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")
                ? savepointDir
                : Path.of(savepointDir).toAbsolutePath().toUri().toString();
        try (JobManager jobManager = endpoint.jobManager()) {
            JobStatus state = jobManager.status(job);
            if (state.isGloballyTerminalState()) {
                err.printf(
                        "dpbalance flink stop-job: job %s already ended (%s): there is no state left to save%n",
                        jobId, state);
                return 1;
            }
            long started = System.nanoTime();
            long deadline = started + TimeUnit.SECONDS.toNanos(waitSeconds);
            String savepoint;
            try {
                savepoint = jobManager
                        .stopWithSavepoint(job, target)
                        .get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                err.printf(
                        "dpbalance flink stop-job: the savepoint of job %s is not done %d s after the request; the "
                                + "job is %s%n",
                        jobId, waitSeconds, jobManager.status(job));
                return 1;
            } catch (ExecutionException e) {
                err.printf(
                        "dpbalance flink stop-job: the savepoint of job %s failed, the job goes on running (%s): "
                                + "%s%n",
                        jobId, jobManager.status(job), JobManager.rootCause(e));
                return 1;
            }
            state = jobManager.status(job);
            while (!state.isGloballyTerminalState() && System.nanoTime() < deadline) {
                Thread.sleep(200);
                state = jobManager.status(job);
            }
            out.printf(
                    "job %s stopped with a savepoint in %.1f s (job %s)%n",
                    jobId, (System.nanoTime() - started) / 1e9, state);
            out.println("savepoint: " + savepoint);
            out.println("restart from it with: bin/dpbalance analytics|shadow ... --from-savepoint " + savepoint);
            out.flush();
            return state == JobStatus.FINISHED ? 0 : 1;
        }
    }
}
