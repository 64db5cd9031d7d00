package io.dpbalance.localservices.flink;

import io.dpbalance.localservices.process.LogTail;
import io.dpbalance.localservices.process.ServiceHome;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The folder of one local Flink cluster: conf/ (config.yaml and log4j.properties, written on every start), log/, tmp/,
 * checkpoints/, savepoints/, plugins/ (as a distribution's, empty) and one pid file per process
 * ({@code jobmanager.pid}, {@code taskmanager-1.pid}, ...).
 */
final class ClusterHome extends ServiceHome {

    private static final Pattern TASKMANAGER_PID = Pattern.compile("taskmanager-([1-9][0-9]*)\\.pid");

    /** One process of the cluster: its role and its name, which names its pid file and its logs. */
    record Member(Role role, String name) {

        static final Member JOBMANAGER = new Member(Role.JOBMANAGER, "jobmanager");

        static Member taskManager(int index) {
            return new Member(Role.TASKMANAGER, "taskmanager-" + index);
        }
    }

    final Path conf;
    final Path configFile;
    final Path log;
    final Path tmp;
    final Path checkpoints;
    final Path savepoints;
    final Path plugins;

    ClusterHome(Path dir) {
        super(dir);
        this.conf = this.dir.resolve("conf");
        this.configFile = conf.resolve("config.yaml");
        this.log = this.dir.resolve("log");
        this.tmp = this.dir.resolve("tmp");
        this.checkpoints = this.dir.resolve("checkpoints");
        this.savepoints = this.dir.resolve("savepoints");
        this.plugins = this.dir.resolve("plugins");
    }

    Path pidFile(Member member) {
        return pidFile(member.name());
    }

    Path logFile(Member member) {
        return log.resolve(member.name() + ".log");
    }

    /** The process's stdout and stderr: JVM errors that come before logging starts. */
    Path outFile(Member member) {
        return log.resolve(member.name() + ".out");
    }

    /**
     * The processes the last start launched (the JobManager and its TaskManagers, whether they still run or not), and
     * any other member with a pid file: the JobManager first, then the TaskManagers in order. Empty after a stop.
     */
    List<Member> members() throws IOException {
        SortedSet<Integer> taskManagers = new TreeSet<>();
        boolean jobManager = Files.exists(pidFile(Member.JOBMANAGER));
        try {
            int launched = Integer.parseInt(Files.readString(launchedFile()).strip());
            jobManager = true;
            for (int i = 1; i <= launched; i++) {
                taskManagers.add(i);
            }
        } catch (NoSuchFileException | NumberFormatException e) {
            // no start since the last stop (or an unreadable record of it): the pid files say what there is
        }
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> pids = Files.newDirectoryStream(dir, "taskmanager-*.pid")) {
                for (Path pid : pids) {
                    Matcher m = TASKMANAGER_PID.matcher(pid.getFileName().toString());
                    if (m.matches()) {
                        taskManagers.add(Integer.parseInt(m.group(1)));
                    }
                }
            }
        }
        List<Member> members = new ArrayList<>();
        if (jobManager) {
            members.add(Member.JOBMANAGER);
        }
        taskManagers.forEach(i -> members.add(Member.taskManager(i)));
        return members;
    }

    /**
     * Records how many TaskManagers a start launched, so that one that died is missed even after its stale pid file
     * is gone.
     */
    void writeLaunched(int taskManagers) throws IOException {
        Files.writeString(launchedFile(), taskManagers + "\n");
    }

    void removeLaunched() throws IOException {
        Files.deleteIfExists(launchedFile());
    }

    private Path launchedFile() {
        return dir.resolve("taskmanagers.launched");
    }

    /**
     * The pid of {@code member} if it runs: its entry point on this folder's configuration, writing its log. A stale
     * pid file is removed, and that is said on {@code err}.
     */
    OptionalLong runningPid(Member member, PrintWriter err) throws IOException {
        return runningPid(
                member.name(),
                args -> args.contains(member.role().mainClass)
                        && args.contains(conf.toString())
                        && args.contains("-Dlog.file=" + logFile(member)),
                err);
    }

    void writePid(Member member, long pid) throws IOException {
        writePid(member.name(), pid);
    }

    void removePid(Member member) throws IOException {
        removePid(member.name());
    }

    /** The current length of each log file of these members, to show later only what one start appended. */
    Map<Path, Long> logMarks(List<Member> members) {
        List<Path> logs = new ArrayList<>();
        for (Member member : members) {
            logs.addAll(logFiles(member));
        }
        return LogTail.marks(logs);
    }

    /** The last {@code lines} lines {@code member}'s logs got since {@code marks}: why it did not come up. */
    String logTail(Member member, Map<Path, Long> marks, int lines) {
        return LogTail.since(logFiles(member), marks, lines);
    }

    private List<Path> logFiles(Member member) {
        return List.of(outFile(member), logFile(member));
    }
}
