package io.dpbalance.broker;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;

/** The folder of one local broker: its generated server.properties, data/, logs/ and the pid file. */
final class BrokerHome {

    /** The broker's main class; a process whose command line lacks it is not a broker of ours. */
    static final String BROKER_MAIN = "kafka.Kafka";

    private static final int MAX_LINE = 300;

    final Path dir;
    final Path data;
    final Path logs;
    final Path serverProperties;
    final Path pidFile;

    BrokerHome(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
        this.data = this.dir.resolve("data");
        this.logs = this.dir.resolve("logs");
        this.serverProperties = this.dir.resolve("server.properties");
        this.pidFile = this.dir.resolve("kafka.pid");
    }

    /**
     * Serialises start and stop on this folder, so two concurrent {@code start}s cannot both launch a broker. The
     * lock is released when the returned channel is closed, or when the JVM exits.
     */
    FileChannel lock() throws IOException {
        Files.createDirectories(dir);
        FileChannel channel = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        channel.lock();
        return channel;
    }

    /**
     * The pid of this folder's broker if it runs. A pid file whose process is gone, or whose pid now belongs to some
     * other program, is removed, and that is said on {@code err}.
     */
    OptionalLong runningPid(PrintWriter err) throws IOException {
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
        if (isBroker(pid)) {
            return OptionalLong.of(pid);
        }
        err.println("removing stale pid file " + pidFile + " (pid " + pid
                + (ProcessHandle.of(pid).isPresent() ? " now belongs to another program)" : " no longer runs)"));
        Files.deleteIfExists(pidFile);
        return OptionalLong.empty();
    }

    /** Whether {@code pid} runs {@value #BROKER_MAIN} on this folder's server.properties. */
    boolean isBroker(long pid) {
        List<String> args = commandLine(pid);
        return args.contains(BROKER_MAIN) && args.contains(serverProperties.toString());
    }

    void writePid(long pid) throws IOException {
        Files.writeString(pidFile, pid + "\n");
    }

    void removePid() throws IOException {
        Files.deleteIfExists(pidFile);
    }

    boolean formatted() {
        return Files.exists(data.resolve("meta.properties"));
    }

    /** host:port that clients bootstrap from, as the last start wrote it into server.properties. */
    String bootstrap() {
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(serverProperties)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + serverProperties + ": " + e.getMessage(), e);
        }
        String advertised = p.getProperty("advertised.listeners", "");
        return advertised.substring(advertised.indexOf("://") + 3);
    }

    /** Whether something accepts TCP connections at {@code host:port} (within a second). */
    static boolean accepting(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1))), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The logs a broker writes: its stdout/stderr, and its log4j log. */
    List<Path> logFiles() {
        return List.of(logs.resolve("kafka.out"), logs.resolve("server.log"));
    }

    /** The current length of each log file, to show later only what one broker run appended. */
    Map<Path, Long> logMarks() {
        Map<Path, Long> marks = new HashMap<>();
        for (Path log : logFiles()) {
            marks.put(log, log.toFile().length());
        }
        return marks;
    }

    /**
     * The last {@code lines} lines that each log got since {@code marks} (all of it if it rolled over since), each cut
     * to a terminal-friendly length, to show why a broker did not come up.
     */
    String logTail(Map<Path, Long> marks, int lines) {
        StringBuilder sb = new StringBuilder();
        for (Path log : logFiles()) {
            List<String> appended;
            try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
                long from = marks.getOrDefault(log, 0L) <= file.length() ? marks.getOrDefault(log, 0L) : 0L;
                byte[] bytes = new byte[(int) (file.length() - from)];
                file.seek(from);
                file.readFully(bytes);
                appended = new String(bytes, StandardCharsets.UTF_8).lines().toList();
            } catch (IOException e) {
                continue; // a log that was never written has nothing to show
            }
            if (appended.isEmpty()) {
                continue;
            }
            sb.append("--- last lines of ").append(log).append('\n');
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
