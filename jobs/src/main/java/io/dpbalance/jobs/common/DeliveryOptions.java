package io.dpbalance.jobs.common;

import java.time.Duration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.CheckpointingMode;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** How the Kafka sinks deliver (a picocli mixin): at-least-once, or exactly-once with its transaction settings. */
public final class DeliveryOptions {

    /** The broker's default transaction.max.timeout.ms: a longer transaction timeout is refused. */
    private static final Duration BROKER_MAX_TRANSACTION_TIMEOUT = Duration.ofMinutes(15);

    @Option(
            names = "--delivery-guarantee",
            paramLabel = "GUARANTEE",
            defaultValue = "at-least-once",
            converter = DeliveryGuaranteeConverter.class,
            description =
                    "at-least-once or exactly-once (Kafka transactions; readers must use read_committed). Default "
                            + "${DEFAULT-VALUE}.")
    public DeliveryGuarantee deliveryGuarantee;

    @Option(
            names = "--transactional-id-prefix",
            paramLabel = "PREFIX",
            description =
                    "Exactly-once: prefix of the sinks' transactional ids, unique per job on the cluster. Default: "
                            + "the job's name.")
    public String transactionalIdPrefix;

    @Option(
            names = "--transaction-timeout",
            paramLabel = "DURATION",
            defaultValue = "10m",
            converter = DurationConverter.class,
            description =
                    "Exactly-once: transaction.timeout.ms, at most the broker's maximum (15m by default) and well "
                            + "above the checkpoint interval. Default ${DEFAULT-VALUE}.")
    public Duration transactionTimeout;

    /**
     * The checkpointing mode the guarantee needs.
     *
     * @throws IllegalArgumentException when exactly-once transactions would outlive what the broker allows
     */
    public CheckpointingMode checkpointingMode() {
        if (deliveryGuarantee == DeliveryGuarantee.EXACTLY_ONCE
                && transactionTimeout.compareTo(BROKER_MAX_TRANSACTION_TIMEOUT) > 0) {
            throw new IllegalArgumentException("--transaction-timeout " + transactionTimeout.toMinutes()
                    + "m is above the broker's default maximum of 15m (transaction.max.timeout.ms)");
        }
        return deliveryGuarantee == DeliveryGuarantee.EXACTLY_ONCE
                ? CheckpointingMode.EXACTLY_ONCE
                : CheckpointingMode.AT_LEAST_ONCE;
    }

    /** The transactional id of one sink: {@code name} makes it unique within the job. */
    public String transactionalId(String fallbackPrefix, String name) {
        return (transactionalIdPrefix != null ? transactionalIdPrefix : fallbackPrefix) + "-" + name;
    }

    public static final class DeliveryGuaranteeConverter implements CommandLine.ITypeConverter<DeliveryGuarantee> {
        @Override
        public DeliveryGuarantee convert(String text) {
            return switch (text.trim()) {
                case "at-least-once" -> DeliveryGuarantee.AT_LEAST_ONCE;
                case "exactly-once" -> DeliveryGuarantee.EXACTLY_ONCE;
                default ->
                    throw new CommandLine.TypeConversionException(
                            "expected at-least-once or exactly-once, got '" + text + "'");
            };
        }
    }
}
