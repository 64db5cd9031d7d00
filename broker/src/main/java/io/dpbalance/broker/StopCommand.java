package io.dpbalance.broker;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** {@code bin/dpbalance kafka stop}: SIGTERM the broker of the pid file (a clean shutdown), SIGKILL if it hangs. */
@Command(name = "stop", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Stop the local Kafka broker: SIGTERM, then SIGKILL if it has not exited after --timeout.")
final class StopCommand implements Callable<Integer> {

    @Mixin
    HomeOption home;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "How long a clean shutdown may take before the broker is killed. Default ${DEFAULT-VALUE}.")
    int timeoutSeconds;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    @SuppressWarnings("try") // the lock is held for the whole body, never referenced in it
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        BrokerHome h = home.home();
        try (var lock = h.lock()) {
            OptionalLong pid = h.runningPid(spec.commandLine().getErr());
            Optional<ProcessHandle> broker = pid.isPresent() ? ProcessHandle.of(pid.getAsLong()) : Optional.empty();
            if (broker.isEmpty()) {
                h.removePid();
                out.println("Kafka is not running (" + h.dir + ")");
                return 0;
            }
            long started = System.nanoTime();
            ProcessHandle process = broker.get();
            process.destroy();
            boolean killed = !exited(process, timeoutSeconds);
            if (killed) {
                process.destroyForcibly();
                if (!exited(process, 10)) {
                    throw new IllegalStateException("pid " + process.pid() + " survived SIGKILL; pid file kept");
                }
            }
            h.removePid();
            if (killed) {
                out.printf("Kafka (pid %d) did not shut down within %d s: killed it%n", process.pid(), timeoutSeconds);
            } else {
                out.printf("Kafka (pid %d) stopped in %.1f s%n", process.pid(), (System.nanoTime() - started) / 1e9);
            }
            return 0;
        }
    }

    private static boolean exited(ProcessHandle process, int seconds) throws InterruptedException {
        try {
            process.onExit().get(seconds, TimeUnit.SECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException("waiting for pid " + process.pid() + " failed: " + e.getCause(), e);
        }
    }
}
