package io.dpbalance.localservices.flink;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.flink.runtime.messages.webmonitor.JobDetails;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code bin/dpbalance flink jobs}: the cluster's jobs (the web UI's job overview), newest first. */
@Command(
        name = "jobs",
        mixinStandardHelpOptions = true,
        description = "List the jobs of the local Flink cluster (or of --jobmanager), newest first: id, state, start "
                + "time, duration, name.")
final class JobsCommand implements Callable<Integer> {

    private static final DateTimeFormatter START =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    @Mixin
    EndpointOptions endpoint;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<JobDetails> jobs;
        try (JobManager jobManager = endpoint.jobManager()) {
            jobs = jobManager.jobs();
        }
        if (jobs.isEmpty()) {
            out.println("no jobs");
            return 0;
        }
        out.printf("%-32s  %-11s  %-19s  %10s  %s%n", "job id", "state", "started", "duration", "name");
        for (JobDetails job : jobs) {
            out.printf(
                    "%-32s  %-11s  %-19s  %10s  %s%n",
                    job.getJobId(),
                    job.getStatus(),
                    START.format(Instant.ofEpochMilli(job.getStartTime())),
                    duration(job.getDuration()),
                    job.getJobName());
        }
        return 0;
    }

    private static String duration(long millis) {
        Duration d = Duration.ofMillis(millis);
        return d.toHours() > 0
                ? String.format("%dh%02dm%02ds", d.toHours(), d.toMinutesPart(), d.toSecondsPart())
                : String.format("%dm%02ds", d.toMinutes(), d.toSecondsPart());
    }
}
