package io.dpbalance.flinkcluster;

import io.dpbalance.flinkcluster.ClusterHome.Member;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code bin/dpbalance flink stop}: SIGTERM the TaskManagers, then the JobManager (as flink-dist's stop-cluster.sh),
 * SIGKILL what hangs. Running jobs end with the cluster; their last checkpoints stay in checkpoints/.
 */
@Command(name = "stop", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Stop the local Flink cluster: SIGTERM the TaskManagers, then the JobManager; SIGKILL a process "
                + "that has not exited after --timeout.")
final class StopCommand implements Callable<Integer> {

    @Mixin
    HomeOption home;

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
            Map<Member, ProcessHandle> taskManagers = new LinkedHashMap<>();
            ProcessHandle jobManager = null;
            for (Member member : h.members()) {
                OptionalLong pid = h.runningPid(member, spec.commandLine().getErr());
                ProcessHandle process = pid.isPresent() ? ProcessHandle.of(pid.getAsLong()).orElse(null) : null;
                if (process == null) {
                    h.removePid(member);
                } else if (member.role() == Role.JOBMANAGER) {
                    jobManager = process;
                } else {
                    taskManagers.put(member, process);
                }
            }
            if (jobManager == null && taskManagers.isEmpty()) {
                h.removeLaunched();
                out.println("Flink is not running (" + h.dir + ")");
                return 0;
            }
            long started = System.nanoTime();
            List<String> killed = new ArrayList<>(stop(h, taskManagers));
            if (jobManager != null) {
                killed.addAll(stop(h, Map.of(Member.JOBMANAGER, jobManager)));
            }
            h.removeLaunched();
            int count = taskManagers.size() + (jobManager == null ? 0 : 1);
            out.printf("Flink stopped in %.1f s (%d process%s)%s%n", (System.nanoTime() - started) / 1e9, count,
                    count == 1 ? "" : "es",
                    killed.isEmpty() ? "" : "; killed after " + timeoutSeconds + " s: " + String.join(", ", killed));
            return 0;
        }
    }

    /** Terminates the processes together; returns the names of those that had to be killed. */
    private List<String> stop(ClusterHome h, Map<Member, ProcessHandle> processes) throws Exception {
        processes.values().forEach(ProcessHandle::destroy);
        List<String> killed = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        for (Map.Entry<Member, ProcessHandle> p : processes.entrySet()) {
            ProcessHandle process = p.getValue();
            long left = Math.max(0, deadline - System.nanoTime());
            if (!exited(process, left)) {
                process.destroyForcibly();
                if (!exited(process, TimeUnit.SECONDS.toNanos(10))) {
                    throw new IllegalStateException(p.getKey().name() + " (pid " + process.pid()
                            + ") survived SIGKILL; pid file kept");
                }
                killed.add(p.getKey().name());
            }
            h.removePid(p.getKey());
        }
        return killed;
    }

    private static boolean exited(ProcessHandle process, long nanos) throws InterruptedException {
        try {
            process.onExit().get(nanos, TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException("waiting for pid " + process.pid() + " failed: " + e.getCause(), e);
        }
    }
}
