package io.dpbalance.localservices.kafka;

import java.nio.file.Path;

/** The broker's server.properties: one node that is both broker and controller, reachable on loopback only. */
final class ServerProperties {

    private ServerProperties() {}

    static String render(Path dataDir, int port, int controllerPort) {
        return """
                # Written by `bin/dpbalance kafka start` on every start: edit the launcher, not this file.
                process.roles=broker,controller
                node.id=1
                controller.quorum.voters=1@127.0.0.1:%2$d
                listeners=PLAINTEXT://127.0.0.1:%1$d,CONTROLLER://127.0.0.1:%2$d
                advertised.listeners=PLAINTEXT://127.0.0.1:%1$d
                controller.listener.names=CONTROLLER
                inter.broker.listener.name=PLAINTEXT
                listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
                log.dirs=%3$s

                # `bin/dpbalance topics create` makes the topics; with auto-creation off, a mistyped topic name
                # fails loudly instead of silently creating an empty topic.
                auto.create.topics.enable=false
                num.partitions=1
                default.replication.factor=1

                # One broker: the internal topics can only have one replica. Their default 50 partitions are slow
                # to create on a small machine and buy nothing here.
                offsets.topic.replication.factor=1
                offsets.topic.num.partitions=5
                transaction.state.log.replication.factor=1
                transaction.state.log.min.isr=1
                transaction.state.log.num.partitions=5
                share.coordinator.state.topic.replication.factor=1
                share.coordinator.state.topic.min.isr=1
                share.coordinator.state.topic.num.partitions=5

                # Consumers of a new group start at once instead of waiting for more members to join.
                group.initial.rebalance.delay.ms=0
                # Flink's exactly-once Kafka sink must set transaction.timeout.ms below this (15 min, Kafka's default).
                transaction.max.timeout.ms=900000
                """.formatted(port, controllerPort, dataDir);
    }
}
