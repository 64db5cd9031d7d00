package io.dpbalance.localservices.kafka;

import io.dpbalance.localservices.process.LockedCommand;
import io.dpbalance.localservices.process.Processes;
import io.dpbalance.localservices.process.StopTimeout;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code bin/dpbalance kafka stop}: SIGTERM the broker of the pid file (a clean shutdown), SIGKILL if it hangs. */
@Command(
        name = "stop",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Stop the local Kafka broker: SIGTERM, then SIGKILL if it has not exited after --timeout.")
final class StopCommand extends LockedCommand<BrokerHome> {

    @Mixin
    KafkaDir home;

    @Mixin
    StopTimeout timeout;

    @Override
    protected BrokerHome home() {
        return home.home();
    }

    @Override
    protected int locked(BrokerHome h, PrintWriter out, PrintWriter err) throws Exception {
        OptionalLong pid = h.runningPid(err);
        Optional<ProcessHandle> broker = pid.isPresent() ? ProcessHandle.of(pid.getAsLong()) : Optional.empty();
        if (broker.isEmpty()) {
            h.removePid(BrokerHome.PROCESS);
            out.println("Kafka is not running (" + h.dir + ")");
            return 0;
        }
        long started = System.nanoTime();
        boolean killed = !Processes.stop(h, Map.of(BrokerHome.PROCESS, broker.get()), timeout.seconds)
                .isEmpty();
        if (killed) {
            out.printf("Kafka (pid %d) did not shut down within %d s: killed it%n", pid.getAsLong(), timeout.seconds);
        } else {
            out.printf("Kafka (pid %d) stopped in %.1f s%n", pid.getAsLong(), (System.nanoTime() - started) / 1e9);
        }
        return 0;
    }
}
