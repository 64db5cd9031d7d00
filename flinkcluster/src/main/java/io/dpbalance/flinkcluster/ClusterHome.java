package io.dpbalance.flinkcluster;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
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
final class ClusterHome {

    private static final Pattern TASKMANAGER_PID = Pattern.compile("taskmanager-([1-9][0-9]*)\\.pid");
    private static final int MAX_LINE = 300;

    /** One process of the cluster: its role and its name, which names its pid file and its logs. */
    record Member(Role role, String name) {

        static final Member JOBMANAGER = new Member(Role.JOBMANAGER, "jobmanager");

        static Member taskManager(int index) {
            return new Member(Role.TASKMANAGER, "taskmanager-" + index);
        }
    }

    final Path dir;
    final Path conf;
    final Path configFile;
    final Path log;
    final Path tmp;
    final Path checkpoints;
    final Path savepoints;
    final Path plugins;

    ClusterHome(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
        this.conf = this.dir.resolve("conf");
        this.configFile = conf.resolve("config.yaml");
        this.log = this.dir.resolve("log");
        this.tmp = this.dir.resolve("tmp");
        this.checkpoints = this.dir.resolve("checkpoints");
        this.savepoints = this.dir.resolve("savepoints");
        this.plugins = this.dir.resolve("plugins");
    }

    /**
     * Serialises start and stop on this folder, so two concurrent {@code start}s cannot both launch a cluster. The lock
     * is released when the returned channel is closed, or when the JVM exits.
     */
    FileChannel lock() throws IOException {
        Files.createDirectories(dir);
        FileChannel channel = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        channel.lock();
        return channel;
    }

    Path pidFile(Member member) {
        return dir.resolve(member.name() + ".pid");
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
     * The pid of {@code member} if it runs. A pid file whose process is gone, or whose pid now belongs to some other
     * program, is removed, and that is said on {@code err}.
     */
    OptionalLong runningPid(Member member, PrintWriter err) throws IOException {
        Path pidFile = pidFile(member);
        long pid;
        try {
            pid = Long.parseLong(Files.readString(pidFile).strip());
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        } catch (NumberFormatException e) {
            err.println("removing unreadable pid file " + pidFile);
            Files.deleteIfExists(pidFile);
            return OptionalLong.empty();
        }
        if (isMember(pid, member)) {
            return OptionalLong.of(pid);
        }
        err.println("removing stale pid file " + pidFile + " (pid " + pid
                + (ProcessHandle.of(pid).isPresent() ? " now belongs to another program)" : " no longer runs)"));
        Files.deleteIfExists(pidFile);
        return OptionalLong.empty();
    }

    /** Whether {@code pid} runs {@code member}'s main class on this folder's configuration. */
    boolean isMember(long pid, Member member) {
        List<String> args = commandLine(pid);
        return args.contains(member.role().mainClass) && args.contains(conf.toString())
                && args.contains("-Dlog.file=" + logFile(member));
    }

    void writePid(Member member, long pid) throws IOException {
        Files.writeString(pidFile(member), pid + "\n");
    }

    void removePid(Member member) throws IOException {
        Files.deleteIfExists(pidFile(member));
    }

    /** The current length of each log file of these members, to show later only what one start appended. */
    Map<Path, Long> logMarks(List<Member> members) {
        Map<Path, Long> marks = new HashMap<>();
        for (Member member : members) {
            for (Path file : List.of(outFile(member), logFile(member))) {
                marks.put(file, file.toFile().length());
            }
        }
        return marks;
    }

    /**
     * The last {@code lines} lines that {@code member}'s logs got since {@code marks} (all of it if a log rolled over
     * since), each cut to a terminal-friendly length, to show why a process did not come up.
     */
    String logTail(Member member, Map<Path, Long> marks, int lines) {
        StringBuilder sb = new StringBuilder();
        for (Path file : List.of(outFile(member), logFile(member))) {
            List<String> appended;
            try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
                long mark = marks.getOrDefault(file, 0L);
                long from = mark <= in.length() ? mark : 0L;
                byte[] bytes = new byte[(int) (in.length() - from)];
                in.seek(from);
                in.readFully(bytes);
                appended = new String(bytes, StandardCharsets.UTF_8).lines().toList();
            } catch (IOException e) {
                continue; // a log that was never written has nothing to show
            }
            if (appended.isEmpty()) {
                continue;
            }
            sb.append("--- last lines of ").append(file).append('\n');
            for (String line : appended.subList(Math.max(0, appended.size() - lines), appended.size())) {
                sb.append(line.length() <= MAX_LINE ? line : line.substring(0, MAX_LINE) + " ...").append('\n');
            }
        }
        return sb.toString();
    }

    /** The arguments of a running process, read from /proc; empty when it is gone or not ours to read. */
    private static List<String> commandLine(long pid) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            List<String> args = new ArrayList<>();
            int start = 0;
            for (int i = 0; i < raw.length; i++) {
                if (raw[i] == 0) {
                    args.add(new String(raw, start, i - start, StandardCharsets.UTF_8));
                    start = i + 1;
                }
            }
            return args;
        } catch (IOException e) {
            return List.of();
        }
    }
}
