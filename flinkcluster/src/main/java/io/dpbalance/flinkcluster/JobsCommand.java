package io.dpbalance.flinkcluster;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code bin/dpbalance flink jobs}: the cluster's jobs (GET /jobs/overview), newest first. */
@Command(name = "jobs", mixinStandardHelpOptions = true,
        description = "List the jobs of the local Flink cluster (or of --jobmanager), newest first: id, state, start "
                + "time, duration, name.")
final class JobsCommand implements Callable<Integer> {

    private static final DateTimeFormatter START = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    @Mixin
    EndpointOptions endpoint;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<FlinkRest.Job> jobs = endpoint.rest().jobs();
        if (jobs.isEmpty()) {
            out.println("no jobs");
            return 0;
        }
        out.printf("%-32s  %-11s  %-19s  %10s  %s%n", "job id", "state", "started", "duration", "name");
        for (FlinkRest.Job job : jobs) {
            out.printf("%-32s  %-11s  %-19s  %10s  %s%n", job.id(), job.state(),
                    START.format(Instant.ofEpochMilli(job.startTime())), duration(job.durationMillis()), job.name());
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
