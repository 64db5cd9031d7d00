package io.dpbalance.localservices.process;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Predicate;

/**
 * The folder of a local service (the Kafka broker, the Flink cluster): its lock and one pid file per process it runs,
 * {@code NAME.pid}. A pid file is trusted only while its pid runs the command line the service expects, read from
 * /proc, so a pid reused by another program is never stopped.
 */
public class ServiceHome {

    public final Path dir;

    protected ServiceHome(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    /**
     * Serialises start and stop on this folder, so two concurrent {@code start}s cannot both launch the service. The
     * lock is released when the returned channel is closed, or when the JVM exits.
     */
    public FileChannel lock() throws IOException {
        Files.createDirectories(dir);
        FileChannel channel =
                FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        channel.lock();
        return channel;
    }

    public Path pidFile(String process) {
        return dir.resolve(process + ".pid");
    }

    /**
     * The pid of {@code process} if it runs: its pid file names a process whose command line {@code ours} accepts. A
     * pid file whose process is gone, or whose pid now belongs to some other program, is removed, and that is said on
     * {@code err}.
     */
    public OptionalLong runningPid(String process, Predicate<List<String>> ours, PrintWriter err) throws IOException {
        Path pidFile = pidFile(process);
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
        if (ours.test(commandLine(pid))) {
            return OptionalLong.of(pid);
        }
        err.println("removing stale pid file " + pidFile + " (pid " + pid
                + (ProcessHandle.of(pid).isPresent() ? " now belongs to another program)" : " no longer runs)"));
        Files.deleteIfExists(pidFile);
        return OptionalLong.empty();
    }

    public void writePid(String process, long pid) throws IOException {
        Files.writeString(pidFile(process), pid + "\n");
    }

    public void removePid(String process) throws IOException {
        Files.deleteIfExists(pidFile(process));
    }

    /** The arguments of a running process, read from /proc; empty when it is gone or not ours to read. */
    static List<String> commandLine(long pid) {
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
