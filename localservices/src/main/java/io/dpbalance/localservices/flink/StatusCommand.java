package io.dpbalance.localservices.flink;

import io.dpbalance.localservices.flink.ClusterHome.Member;
import io.dpbalance.localservices.process.ServiceCommand;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import org.apache.flink.runtime.rest.handler.legacy.messages.ClusterOverviewWithVersion;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code bin/dpbalance flink status}: each process with its pid, and what the JobManager reports. */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = {
            "Say whether the local Flink cluster runs: each process with its pid, the TaskManagers and "
                    + "slots the JobManager has registered, the running jobs.",
            "Exit code 0 when every process runs, 1 when only part of the cluster does, " + ServiceCommand.NOT_RUNNING
                    + " when none does."
        })
final class StatusCommand implements Callable<Integer> {

    @Mixin
    FlinkDir home;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        ClusterHome h = home.home();
        List<Member> members = h.members();
        int running = 0;
        boolean jobManagerRunning = false;
        StringBuilder processes = new StringBuilder();
        for (Member member : members) {
            OptionalLong pid = h.runningPid(member, spec.commandLine().getErr());
            if (pid.isPresent()) {
                running++;
                jobManagerRunning |= member.role() == Role.JOBMANAGER;
                processes.append(
                        String.format("  %-14s pid %d, log %s%n", member.name(), pid.getAsLong(), h.logFile(member)));
            } else {
                processes.append(String.format("  %-14s NOT RUNNING%n", member.name()));
            }
        }
        if (running == 0) {
            out.println("Flink is not running (" + h.dir + "); start it with: bin/dpbalance flink start" + home.flag());
            return ServiceCommand.NOT_RUNNING;
        }
        boolean whole = jobManagerRunning && running == members.size();
        String endpoint = ClusterConfig.restEndpoint(ClusterConfig.read(h));
        Optional<ClusterOverviewWithVersion> overview = Optional.empty();
        if (jobManagerRunning) {
            try (JobManager jobManager = new JobManager(endpoint)) {
                overview = jobManager.tryOverview();
            }
        }
        out.printf(
                "Flink is %s: %d process%s, REST %s%n",
                whole ? "running" : "PARTLY running", running, running == 1 ? "" : "es", JobManager.webUi(endpoint));
        out.print(processes);
        if (overview.isPresent()) {
            ClusterOverviewWithVersion o = overview.get();
            int taskManagers = o.getNumTaskManagersConnected();
            int jobs = o.getNumJobsRunningOrPending();
            out.printf(
                    "  JobManager: Flink %s, %d TaskManager%s registered, %d of %d slots free, %d job%s running%n",
                    o.getVersion(),
                    taskManagers,
                    taskManagers == 1 ? "" : "s",
                    o.getNumSlotsAvailable(),
                    o.getNumSlotsTotal(),
                    jobs,
                    jobs == 1 ? "" : "s");
        } else {
            out.println("  JobManager: REST endpoint not answering");
        }
        if (!whole) {
            out.println("Start the missing processes again with: bin/dpbalance flink start" + home.flag());
            return 1;
        }
        return 0;
    }
}
