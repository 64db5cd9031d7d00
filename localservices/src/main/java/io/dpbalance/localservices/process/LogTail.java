package io.dpbalance.localservices.process;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What a start shows when a process does not come up: the end of what its logs got during that start. */
public final class LogTail {

    private static final int MAX_LINE = 300;

    private LogTail() {}

    /** The current length of each log file, to show later only what one start appended. */
    public static Map<Path, Long> marks(Collection<Path> logs) {
        Map<Path, Long> marks = new HashMap<>();
        for (Path log : logs) {
            marks.put(log, log.toFile().length());
        }
        return marks;
    }

    /**
     * The last {@code lines} lines that each log got since {@code marks} (all of it if it rolled over since), each cut
     * to a terminal-friendly length.
     */
    public static String since(List<Path> logs, Map<Path, Long> marks, int lines) {
        StringBuilder sb = new StringBuilder();
        for (Path log : logs) {
            List<String> appended;
            try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
                long mark = marks.getOrDefault(log, 0L);
                long from = mark <= file.length() ? mark : 0L;
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
                sb.append(line.length() <= MAX_LINE ? line : line.substring(0, MAX_LINE) + " ...")
                        .append('\n');
            }
        }
        return sb.toString();
    }
}
