package io.dpbalance.localservices.process;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Starting a service's processes in the background and stopping them: SIGTERM, then SIGKILL what hangs. */
public final class Processes {

    private Processes() {}

    /** This JVM's java, which runs the service's processes too. */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * Starts {@code command} in its own session (setsid), so that closing the terminal or Ctrl-C in it does not reach
     * the service, with stdin from /dev/null and stdout/stderr appended to {@code out}; in {@code workingDir}, or this
     * JVM's when it is null.
     */
    public static Process background(List<String> command, Path out, Path workingDir, Map<String, String> env)
            throws IOException {
        List<String> setsid = new ArrayList<>(List.of("setsid"));
        setsid.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(setsid).directory(workingDir == null ? null : workingDir.toFile());
        builder.environment().putAll(env);
        return builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
                .start();
    }

    /**
     * Stops the processes together: SIGTERM to all, then SIGKILL to each that has not exited {@code timeoutSeconds}
     * later; removes each one's pid file from {@code home} once it is gone. Returns the names of those it killed.
     *
     * @throws IllegalStateException when a process survives SIGKILL (its pid file is kept)
     */
    public static List<String> stop(ServiceHome home, Map<String, ProcessHandle> processes, int timeoutSeconds)
            throws IOException, InterruptedException {
        processes.values().forEach(ProcessHandle::destroy);
        List<String> killed = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        for (Map.Entry<String, ProcessHandle> p : processes.entrySet()) {
            ProcessHandle process = p.getValue();
            if (!exited(process, Math.max(0, deadline - System.nanoTime()))) {
                process.destroyForcibly();
                if (!exited(process, TimeUnit.SECONDS.toNanos(10))) {
                    throw new IllegalStateException(
                            p.getKey() + " (pid " + process.pid() + ") survived SIGKILL; pid file kept");
                }
                killed.add(p.getKey());
            }
            home.removePid(p.getKey());
        }
        return killed;
    }

    /** Stops what a failed start launched: SIGTERM, SIGKILL after {@code seconds}. */
    public static void destroy(Collection<Process> processes, int seconds) throws InterruptedException {
        processes.forEach(Process::destroy);
        for (Process p : processes) {
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
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
