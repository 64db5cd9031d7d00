package io.dpbalance.localservices.kafka;

import io.dpbalance.localservices.process.Ports;
import io.dpbalance.localservices.process.ServiceCommand;
import java.io.PrintWriter;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code bin/dpbalance kafka status}: exit 0 and where it is when the broker runs, exit 3 when it does not. */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = {
            "Say whether the local Kafka broker runs, with its pid and bootstrap address.",
            "Exit code 0 when it runs, " + ServiceCommand.NOT_RUNNING + " when it does not."
        })
final class StatusCommand implements Callable<Integer> {

    @Mixin
    KafkaDir home;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        BrokerHome h = home.home();
        OptionalLong pid = h.runningPid(spec.commandLine().getErr());
        if (pid.isEmpty()) {
            out.println("Kafka is not running (" + h.dir + "); start it with: bin/dpbalance kafka start" + home.flag());
            return ServiceCommand.NOT_RUNNING;
        }
        String bootstrap = h.bootstrap();
        out.printf(
                "Kafka is running: pid %d, bootstrap %s, data %s%s%n",
                pid.getAsLong(),
                bootstrap,
                h.data,
                Ports.accepting(bootstrap) ? "" : " (not accepting connections yet)");
        return 0;
    }
}
