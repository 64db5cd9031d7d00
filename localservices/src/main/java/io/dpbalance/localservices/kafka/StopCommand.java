package io.dpbalance.localservices.kafka;

import io.dpbalance.localservices.process.Processes;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;

/** {@code bin/dpbalance kafka stop}: SIGTERM the broker of the pid file (a clean shutdown), SIGKILL if it hangs. */
@Command(name = "stop", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Stop the local Kafka broker: SIGTERM, then SIGKILL if it has not exited after --timeout.")
final class StopCommand implements Callable<Integer> {

    @Mixin
    KafkaDir home;

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
                h.removePid(BrokerHome.PROCESS);
                out.println("Kafka is not running (" + h.dir + ")");
                return 0;
            }
            long started = System.nanoTime();
            boolean killed = !Processes.stop(h, Map.of(BrokerHome.PROCESS, broker.get()), timeoutSeconds).isEmpty();
            if (killed) {
                out.printf("Kafka (pid %d) did not shut down within %d s: killed it%n", pid.getAsLong(),
                        timeoutSeconds);
            } else {
                out.printf("Kafka (pid %d) stopped in %.1f s%n", pid.getAsLong(), (System.nanoTime() - started) / 1e9);
            }
            return 0;
        }
    }
}
