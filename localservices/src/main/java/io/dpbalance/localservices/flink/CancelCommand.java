package io.dpbalance.localservices.flink;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bin/dpbalance flink cancel JOBID...}: cancel each job, then wait until it is CANCELED. */
@Command(
        name = "cancel",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Cancel jobs of the local Flink cluster (or of --jobmanager) and wait until they have stopped. "
                + "Cancelling keeps no savepoint; the job's last checkpoint stays in the checkpoint folder.")
final class CancelCommand implements Callable<Integer> {

    @Parameters(paramLabel = "JOBID", arity = "1..*", description = "Ids of the jobs (bin/dpbalance flink jobs).")
    List<String> jobIds;

    @Mixin
    EndpointOptions endpoint;

    @Option(
            names = "--wait",
            paramLabel = "SECONDS",
            defaultValue = "60",
            description = "How long to wait for each job to reach CANCELED. Default ${DEFAULT-VALUE}.")
    int waitSeconds;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<JobID> jobs = jobIds.stream().map(JobManager::jobId).toList();
        try (JobManager jobManager = endpoint.jobManager()) {
            int exit = 0;
            for (JobID jobId : jobs) {
                exit = Math.max(exit, cancel(jobManager, jobId, out));
            }
            return exit;
        }
    }

    private int cancel(JobManager jobManager, JobID jobId, PrintWriter out) throws Exception {
        JobStatus state = jobManager.status(jobId);
        if (state.isGloballyTerminalState()) {
            out.printf("job %s already ended: %s%n", jobId, state);
            return 0;
        }
        long started = System.nanoTime();
        jobManager.cancel(jobId);
        long deadline = started + TimeUnit.SECONDS.toNanos(waitSeconds);
        while (!state.isGloballyTerminalState() && System.nanoTime() < deadline) {
            Thread.sleep(200);
            state = jobManager.status(jobId);
        }
        if (state == JobStatus.CANCELED) {
            out.printf("job %s canceled in %.1f s%n", jobId, (System.nanoTime() - started) / 1e9);
            return 0;
        }
        spec.commandLine()
                .getErr()
                .printf(
                        "dpbalance flink cancel: job %s is %s %d s after the cancel request%n",
                        jobId, state, waitSeconds);
        return 1;
    }
}
