package io.dpbalance.localservices.flink;

import io.dpbalance.localservices.flink.ClusterHome.Member;
import io.dpbalance.localservices.process.LockedCommand;
import io.dpbalance.localservices.process.Processes;
import io.dpbalance.localservices.process.StopTimeout;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code bin/dpbalance flink stop}: SIGTERM the TaskManagers, then the JobManager (as flink-dist's stop-cluster.sh),
 * SIGKILL what hangs. Running jobs end with the cluster; their last checkpoints stay in checkpoints/.
 */
@Command(
        name = "stop",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Stop the local Flink cluster: SIGTERM the TaskManagers, then the JobManager; SIGKILL a process "
                + "that has not exited after --timeout.")
final class StopCommand extends LockedCommand<ClusterHome> {

    @Mixin
    FlinkDir home;

    @Mixin
    StopTimeout timeout;

    @Override
    protected ClusterHome home() {
        return home.home();
    }

    @Override
    protected int locked(ClusterHome h, PrintWriter out, PrintWriter err) throws Exception {
        Map<String, ProcessHandle> taskManagers = new LinkedHashMap<>();
        Map<String, ProcessHandle> jobManager = new LinkedHashMap<>();
        for (Member member : h.members()) {
            OptionalLong pid = h.runningPid(member, err);
            ProcessHandle process =
                    pid.isPresent() ? ProcessHandle.of(pid.getAsLong()).orElse(null) : null;
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
        List<String> killed = new ArrayList<>(Processes.stop(h, taskManagers, timeout.seconds));
        killed.addAll(Processes.stop(h, jobManager, timeout.seconds));
        h.removeLaunched();
        int count = taskManagers.size() + jobManager.size();
        out.printf(
                "Flink stopped in %.1f s (%d process%s)%s%n",
                (System.nanoTime() - started) / 1e9,
                count,
                count == 1 ? "" : "es",
                killed.isEmpty() ? "" : "; killed after " + timeout.seconds + " s: " + String.join(", ", killed));
        return 0;
    }
}
