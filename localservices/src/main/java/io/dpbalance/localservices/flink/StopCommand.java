package io.dpbalance.localservices.flink;

import io.dpbalance.localservices.flink.ClusterHome.Member;
import io.dpbalance.localservices.process.Processes;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Callable;

/**
 * {@code bin/dpbalance flink stop}: SIGTERM the TaskManagers, then the JobManager (as flink-dist's stop-cluster.sh),
 * SIGKILL what hangs. Running jobs end with the cluster; their last checkpoints stay in checkpoints/.
 */
@Command(name = "stop", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Stop the local Flink cluster: SIGTERM the TaskManagers, then the JobManager; SIGKILL a process "
                + "that has not exited after --timeout.")
final class StopCommand implements Callable<Integer> {

    @Mixin
    FlinkDir home;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "How long a clean shutdown may take before a process is killed. Default ${DEFAULT-VALUE}.")
    int timeoutSeconds;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    @SuppressWarnings("try") // the lock is held for the whole body, never referenced in it
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        ClusterHome h = home.home();
        try (var lock = h.lock()) {
            Map<String, ProcessHandle> taskManagers = new LinkedHashMap<>();
            Map<String, ProcessHandle> jobManager = new LinkedHashMap<>();
            for (Member member : h.members()) {
                OptionalLong pid = h.runningPid(member, spec.commandLine().getErr());
                ProcessHandle process = pid.isPresent() ? ProcessHandle.of(pid.getAsLong()).orElse(null) : null;
                if (process == null) {
                    h.removePid(member);
                } else {
                    (member.role() == Role.JOBMANAGER ? jobManager : taskManagers).put(member.name(), process);
                }
            }
            if (jobManager.isEmpty() && taskManagers.isEmpty()) {
                h.removeLaunched();
                out.println("Flink is not running (" + h.dir + ")");
                return 0;
            }
            long started = System.nanoTime();
            List<String> killed = new ArrayList<>(Processes.stop(h, taskManagers, timeoutSeconds));
            killed.addAll(Processes.stop(h, jobManager, timeoutSeconds));
            h.removeLaunched();
            int count = taskManagers.size() + jobManager.size();
            out.printf("Flink stopped in %.1f s (%d process%s)%s%n", (System.nanoTime() - started) / 1e9, count,
                    count == 1 ? "" : "es",
                    killed.isEmpty() ? "" : "; killed after " + timeoutSeconds + " s: " + String.join(", ", killed));
            return 0;
        }
    }
}
