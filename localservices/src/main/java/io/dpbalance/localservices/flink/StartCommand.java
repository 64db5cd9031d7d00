package io.dpbalance.localservices.flink;

import io.dpbalance.localservices.flink.ClusterHome.Member;
import io.dpbalance.localservices.flink.FlinkProcesses.ResourceParams;
import io.dpbalance.localservices.process.LockedCommand;
import io.dpbalance.localservices.process.Ports;
import io.dpbalance.localservices.process.Processes;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.runtime.rest.handler.legacy.messages.ClusterOverviewWithVersion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bin/dpbalance flink start}: write conf/, derive each process's memory flags, launch the JobManager and the
 * TaskManagers, wait until the REST endpoint reports every TaskManager registered.
 */
@Command(
        name = "start",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Start a local Flink standalone session cluster in the background and wait until every "
                    + "TaskManager has registered with the JobManager.",
            "Does nothing if this folder's cluster already runs. If only part of it runs (a TaskManager or the "
                    + "JobManager died or was killed), starts the missing processes again on the cluster's "
                    + "conf/config.yaml (this start's flags do not apply) and waits until they registered."
        })
final class StartCommand extends LockedCommand<ClusterHome> {

    private static final Pattern PORT_RANGE = Pattern.compile("[0-9]{1,5}(-[0-9]{1,5})?");
    /** What a TaskManager logs once the ResourceManager accepted it (Flink's TaskExecutor). */
    private static final String REGISTERED = "Successful registration at resource manager";

    @Mixin
    FlinkDir home;

    @Option(
            names = "--taskmanagers",
            paramLabel = "N",
            defaultValue = "1",
            description = "TaskManager processes. Default ${DEFAULT-VALUE}.")
    int taskManagers;

    @Option(
            names = "--slots",
            paramLabel = "N",
            defaultValue = "2",
            description = "Task slots per TaskManager (taskmanager.numberOfTaskSlots). Default ${DEFAULT-VALUE}.")
    int slots;

    @Option(
            names = "--rest-port",
            paramLabel = "PORT",
            defaultValue = "8081",
            description = "Port of the REST endpoint and web UI on 127.0.0.1: what `analytics --jobmanager` names. "
                    + "Default ${DEFAULT-VALUE}.")
    int restPort;

    @Option(
            names = "--rpc-port",
            paramLabel = "PORT",
            defaultValue = "6123",
            description = "Port of the JobManager's RPC endpoint, where TaskManagers register. Default "
                    + "${DEFAULT-VALUE}.")
    int rpcPort;

    @Option(
            names = "--jobmanager-memory",
            paramLabel = "SIZE",
            defaultValue = "1024m",
            description = "jobmanager.memory.process.size: the JobManager JVM's whole footprint. Default "
                    + "${DEFAULT-VALUE}.")
    String jobManagerMemory;

    @Option(
            names = "--taskmanager-memory",
            paramLabel = "SIZE",
            defaultValue = "1728m",
            description = "taskmanager.memory.process.size of each TaskManager. Default ${DEFAULT-VALUE}.")
    String taskManagerMemory;

    @Option(
            names = "--prometheus-ports",
            paramLabel = "PORT[-PORT]|none",
            defaultValue = "none",
            description = "Serve Flink's metrics for Prometheus: each process on the first free port of the range "
                    + "(e.g. 9249-9260), on every interface (Flink's reporter has no bind address). Default "
                    + "${DEFAULT-VALUE}.")
    String prometheusPorts;

    @Option(
            names = "-D",
            paramLabel = "KEY=VALUE",
            description = "Any other Flink option for config.yaml, e.g. -D state.backend.type=rocksdb (repeatable).")
    Map<String, String> extra = new LinkedHashMap<>();

    @Option(
            names = "--wait",
            paramLabel = "SECONDS",
            defaultValue = "120",
            description = "How long to wait for every TaskManager to register before giving up and stopping the "
                    + "cluster. Default ${DEFAULT-VALUE}.")
    int waitSeconds;

    @Override
    protected ClusterHome home() {
        return home.home();
    }

    @Override
    protected int locked(ClusterHome h, PrintWriter out, PrintWriter err) throws Exception {
        long started = System.nanoTime();
        Configuration config = ClusterConfig.of(
                h,
                new ClusterConfig.Settings(
                        restPort, rpcPort, slots, jobManagerMemory, taskManagerMemory, prometheusPorts, extra));
        List<Member> running = new ArrayList<>();
        for (Member member : h.members()) {
            OptionalLong pid = h.runningPid(member, err);
            if (pid.isPresent()) {
                running.add(member);
            }
        }
        if (!running.isEmpty()) {
            return running.size() == h.members().size() && running.contains(Member.JOBMANAGER)
                    ? alreadyRunning(h, running, out)
                    : restartMissing(h, running, started, out, err);
        }
        Ports.requireFree(restPort, "--rest-port", "Flink cluster", "");
        Ports.requireFree(rpcPort, "--rpc-port", "Flink cluster", "");
        for (Path folder : List.of(h.conf, h.log, h.tmp, h.checkpoints, h.savepoints, h.plugins)) {
            Files.createDirectories(folder);
        }
        ClusterConfig.write(config, h.configFile);
        FlinkProcesses.writeLogConfig(h);

        String classpath = FlinkProcesses.classpath();
        // Both derivations at once: each is a JVM start of about a second.
        Process jmUtils = FlinkProcesses.startResourceParams(h, Role.JOBMANAGER, classpath);
        Process tmUtils = FlinkProcesses.startResourceParams(h, Role.TASKMANAGER, classpath);
        ResourceParams jmParams = FlinkProcesses.resourceParams(jmUtils, Role.JOBMANAGER);
        ResourceParams tmParams = FlinkProcesses.resourceParams(tmUtils, Role.TASKMANAGER);

        List<Member> members = new ArrayList<>(List.of(Member.JOBMANAGER));
        for (int i = 1; i <= taskManagers; i++) {
            members.add(Member.taskManager(i));
        }
        Map<Path, Long> logMarks = h.logMarks(members);
        h.writeLaunched(taskManagers);
        Map<Member, Process> processes = new LinkedHashMap<>();
        Optional<ClusterOverviewWithVersion> ready;
        String webUi;
        try {
            for (Member member : members) {
                // TaskManagers retry until the JobManager answers, so all start at once.
                Process process = FlinkProcesses.launch(
                        h, member, classpath, member.role() == Role.JOBMANAGER ? jmParams : tmParams);
                processes.put(member, process);
                h.writePid(member, process.pid());
            }
            try (JobManager jobManager = new JobManager(ClusterConfig.restEndpoint(config))) {
                webUi = jobManager.webUi();
                ready = awaitReady(jobManager, processes, h, logMarks, err);
            }
        } catch (IOException | RuntimeException | InterruptedException e) {
            stopAll(processes, h);
            throw e;
        }
        if (ready.isEmpty()) {
            stopAll(processes, h);
            return 1;
        }
        ClusterOverviewWithVersion o = ready.get();
        out.printf(
                "Flink %s session cluster ready in %.1f s: 1 JobManager, %d TaskManager%s x %d slot%s%n",
                o.getVersion(),
                (System.nanoTime() - started) / 1e9,
                o.getNumTaskManagersConnected(),
                o.getNumTaskManagersConnected() == 1 ? "" : "s",
                slots,
                slots == 1 ? "" : "s");
        out.printf("  web UI / REST  %s%n", webUi);
        for (Map.Entry<Member, Process> p : processes.entrySet()) {
            out.printf(
                    "  %-14s pid %d, log %s%n", p.getKey().name(), p.getValue().pid(), h.logFile(p.getKey()));
        }
        out.printf("  config         %s%n", h.configFile);
        out.printf(
                "Submit the analytics job with: bin/dpbalance analytics --jobmanager %s:%d%n",
                ClusterConfig.HOST, restPort);
        out.printf("Stop it with: bin/dpbalance flink stop%s%n", home.flag());
        return 0;
    }

    @Override
    protected void checkFlags() {
        if (taskManagers < 1 || slots < 1) {
            throw new IllegalArgumentException(
                    "--taskmanagers and --slots must be at least 1, not " + taskManagers + " and " + slots);
        }
        Ports.requirePortNumber(restPort, "--rest-port");
        Ports.requirePortNumber(rpcPort, "--rpc-port");
        if (restPort == rpcPort) {
            throw new IllegalArgumentException("--rest-port and --rpc-port must differ (both are " + restPort + ")");
        }
        requireMemorySize(jobManagerMemory, "--jobmanager-memory");
        requireMemorySize(taskManagerMemory, "--taskmanager-memory");
        if (!prometheusPorts.equals("none")
                && !PORT_RANGE.matcher(prometheusPorts).matches()) {
            throw new IllegalArgumentException("--prometheus-ports must be a port, a range like 9249-9260, or none; "
                    + "not '" + prometheusPorts + "'");
        }
        if (waitSeconds < 1) {
            throw new IllegalArgumentException("--wait must be at least 1 second, not " + waitSeconds);
        }
    }

    private static void requireMemorySize(String size, String flag) {
        try {
            MemorySize.parse(size);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(flag + " must be a memory size like 1024m or 2g, not '" + size + "'");
        }
    }

    private int alreadyRunning(ClusterHome h, List<Member> running, PrintWriter out) throws IOException {
        out.printf(
                "Flink is already running: %d process%s (jobmanager pid %s), REST %s%n",
                running.size(),
                running.size() == 1 ? "" : "es",
                Files.readString(h.pidFile(Member.JOBMANAGER)).strip(),
                ClusterConfig.restEndpoint(ClusterConfig.read(h)));
        return 0;
    }

    /**
     * Starts again the members of a partly running cluster that are gone, on the conf/config.yaml the running ones
     * use (left as it is). A restarted TaskManager registers with the running JobManager; the running TaskManagers
     * register with a restarted JobManager by themselves. Without high availability a restarted JobManager knows no
     * job: jobs are submitted again with --from-savepoint (docs/reliability.md).
     */
    private int restartMissing(ClusterHome h, List<Member> running, long started, PrintWriter out, PrintWriter err)
            throws IOException, InterruptedException {
        List<Member> all = h.members();
        List<Member> missing = all.stream().filter(m -> !running.contains(m)).toList();
        String names = String.join(", ", missing.stream().map(Member::name).toList());
        String stopFirst = "; stop it first with: bin/dpbalance flink stop" + home.flag();
        if (!Files.isRegularFile(h.configFile)) {
            throw new IllegalStateException("only part of the cluster in " + h.dir + " runs (" + names + " not) and "
                    + h.configFile + " is gone" + stopFirst);
        }
        try (JobManager jobManager = new JobManager(ClusterConfig.restEndpoint(ClusterConfig.read(h)))) {
            if (running.contains(Member.JOBMANAGER) && jobManager.tryOverview().isEmpty()) {
                throw new IllegalStateException("only part of the cluster in " + h.dir + " runs (" + names
                        + " not) and its JobManager does not answer at " + jobManager.endpoint() + stopFirst);
            }
            String classpath = FlinkProcesses.classpath();
            Map<Role, ResourceParams> params = new LinkedHashMap<>();
            for (Member member : missing) {
                if (!params.containsKey(member.role())) {
                    params.put(
                            member.role(),
                            FlinkProcesses.resourceParams(
                                    FlinkProcesses.startResourceParams(h, member.role(), classpath), member.role()));
                }
            }
            Map<Path, Long> logMarks = h.logMarks(missing);
            Map<Member, Process> processes = new LinkedHashMap<>();
            int taskManagerCount =
                    (int) all.stream().filter(m -> m.role() == Role.TASKMANAGER).count();
            Optional<String> why;
            try {
                for (Member member : missing) {
                    Process process = FlinkProcesses.launch(h, member, classpath, params.get(member.role()));
                    processes.put(member, process);
                    h.writePid(member, process.pid());
                }
                why = awaitRestarted(jobManager, processes, h, logMarks, taskManagerCount);
            } catch (IOException | RuntimeException | InterruptedException e) {
                stopRestarted(processes, h);
                throw e;
            }
            if (why.isPresent()) {
                err.printf(
                        "dpbalance flink start: %s; stopping what this start launched (raise --wait on a busy "
                                + "machine).%n",
                        why.get());
                for (Member member : processes.keySet()) {
                    err.print(h.logTail(member, logMarks, 25));
                }
                stopRestarted(processes, h);
                return 1;
            }
            out.printf(
                    "Flink: restarted %s in %.1f s, on %s%n", names, (System.nanoTime() - started) / 1e9, h.configFile);
            for (Map.Entry<Member, Process> p : processes.entrySet()) {
                out.printf(
                        "  %-14s pid %d, log %s%n",
                        p.getKey().name(), p.getValue().pid(), h.logFile(p.getKey()));
            }
            if (processes.containsKey(Member.JOBMANAGER)) {
                out.println("The restarted JobManager knows no job: submit them again from their newest retained "
                        + "checkpoint (--from-savepoint " + h.checkpoints + "/JOB_ID/chk-N).");
            }
            return 0;
        }
    }

    /**
     * Waits until every restarted TaskManager logged its registration with the ResourceManager (the REST endpoint
     * still counts a killed TaskManager until its heartbeat times out) and, with a restarted JobManager, until the
     * REST endpoint counts every TaskManager. Empty when they did; else why not.
     */
    private Optional<String> awaitRestarted(
            JobManager jobManager,
            Map<Member, Process> processes,
            ClusterHome h,
            Map<Path, Long> logMarks,
            int taskManagerCount)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(waitSeconds);
        while (true) {
            boolean ready = true;
            for (Map.Entry<Member, Process> p : processes.entrySet()) {
                if (!p.getValue().isAlive()) {
                    return Optional.of("the restarted " + p.getKey().name() + " exited (exit code "
                            + p.getValue().exitValue() + ")");
                }
                if (p.getKey().role() == Role.TASKMANAGER) {
                    ready &= h.logTail(p.getKey(), logMarks, Integer.MAX_VALUE).contains(REGISTERED);
                }
            }
            if (ready && processes.containsKey(Member.JOBMANAGER)) {
                Optional<ClusterOverviewWithVersion> overview = jobManager.tryOverview();
                ready = overview.isPresent() && overview.get().getNumTaskManagersConnected() >= taskManagerCount;
            }
            if (ready) {
                return Optional.empty();
            }
            if (System.nanoTime() > deadline) {
                return Optional.of("the restarted processes did not all register within " + waitSeconds + " s");
            }
            Thread.sleep(250);
        }
    }

    private static void stopRestarted(Map<Member, Process> processes, ClusterHome h)
            throws IOException, InterruptedException {
        Processes.destroy(processes.values(), 15);
        for (Member member : processes.keySet()) {
            h.removePid(member);
        }
    }

    /**
     * Waits until the REST endpoint reports every TaskManager. On failure (a process died, or --wait passed) prints
     * why with the log tails and returns empty.
     */
    private Optional<ClusterOverviewWithVersion> awaitReady(
            JobManager jobManager,
            Map<Member, Process> processes,
            ClusterHome h,
            Map<Path, Long> logMarks,
            PrintWriter err)
            throws InterruptedException, IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(waitSeconds);
        String why = null;
        Member culprit = Member.JOBMANAGER;
        while (why == null) {
            for (Map.Entry<Member, Process> p : processes.entrySet()) {
                if (!p.getValue().isAlive()) {
                    culprit = p.getKey();
                    why = "the " + culprit.name() + " exited during startup (exit code "
                            + p.getValue().exitValue() + ")";
                    break;
                }
            }
            if (why != null) {
                break;
            }
            Optional<ClusterOverviewWithVersion> overview = jobManager.tryOverview();
            if (overview.isPresent() && overview.get().getNumTaskManagersConnected() >= taskManagers) {
                return overview;
            }
            if (System.nanoTime() > deadline) {
                why = overview.isEmpty()
                        ? "the JobManager's REST endpoint did not answer at " + jobManager.endpoint() + " within "
                                + waitSeconds + " s"
                        : "only " + overview.get().getNumTaskManagersConnected() + " of " + taskManagers
                                + " TaskManagers "
                                + "registered within " + waitSeconds + " s";
                culprit = overview.isEmpty() ? Member.JOBMANAGER : lastTaskManager(processes);
                break;
            }
            Thread.sleep(250);
        }
        err.printf(
                "dpbalance flink start: %s; stopping the cluster (raise --wait on a busy machine).%n%s",
                why, h.logTail(culprit, logMarks, 25));
        return Optional.empty();
    }

    /** Stops what a failed start launched, so that no half cluster stays behind. */
    private static void stopAll(Map<Member, Process> processes, ClusterHome h)
            throws IOException, InterruptedException {
        Processes.destroy(processes.values(), 15);
        for (Member member : processes.keySet()) {
            h.removePid(member);
        }
        h.removeLaunched();
    }

    private static Member lastTaskManager(Map<Member, Process> processes) {
        Member last = Member.JOBMANAGER;
        for (Member m : processes.keySet()) {
            last = m;
        }
        return last;
    }
}
