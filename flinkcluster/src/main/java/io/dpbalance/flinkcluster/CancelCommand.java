package io.dpbalance.flinkcluster;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** {@code bin/dpbalance flink cancel JOBID...}: PATCH /jobs/JOBID?mode=cancel, then wait until it is CANCELED. */
@Command(name = "cancel", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Cancel jobs of the local Flink cluster (or of --jobmanager) and wait until they have stopped. "
                + "Cancelling keeps no savepoint; the job's last checkpoint stays in the checkpoint folder.")
final class CancelCommand implements Callable<Integer> {

    private static final Set<String> TERMINAL = Set.of("CANCELED", "FAILED", "FINISHED");

    @Parameters(paramLabel = "JOBID", arity = "1..*", description = "Ids of the jobs (bin/dpbalance flink jobs).")
    List<String> jobIds;

    @Mixin
    EndpointOptions endpoint;

    @Option(names = "--wait", paramLabel = "SECONDS", defaultValue = "60",
            description = "How long to wait for each job to reach CANCELED. Default ${DEFAULT-VALUE}.")
    int waitSeconds;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        jobIds.forEach(FlinkRest::requireJobId);
        FlinkRest rest = endpoint.rest();
        int exit = 0;
        for (String jobId : jobIds) {
            String state = rest.jobState(jobId);
            if (TERMINAL.contains(state)) {
                out.printf("job %s already ended: %s%n", jobId, state);
                continue;
            }
            long started = System.nanoTime();
            rest.cancel(jobId);
            long deadline = started + TimeUnit.SECONDS.toNanos(waitSeconds);
            while (!TERMINAL.contains(state) && System.nanoTime() < deadline) {
                Thread.sleep(200);
                state = rest.jobState(jobId);
            }
            if (state.equals("CANCELED")) {
                out.printf("job %s canceled in %.1f s%n", jobId, (System.nanoTime() - started) / 1e9);
            } else {
                spec.commandLine().getErr().printf("dpbalance flink cancel: job %s is %s %d s after the cancel "
                        + "request%n", jobId, state, waitSeconds);
                exit = 1;
            }
        }
        return exit;
    }
}
