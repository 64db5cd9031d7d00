package io.dpbalance.datagen.kafka;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TimeoutException;
import picocli.CommandLine.Option;

/** Where the Kafka cluster is and how to talk to it: the options every command that talks to Kafka shares. */
public final class KafkaOptions {

    static final String LOCAL_BOOTSTRAP = "127.0.0.1:9092";
    private static final int DEFAULT_TIMEOUT_SECONDS = 15;

    @Option(
            names = "--bootstrap",
            paramLabel = "HOST:PORT[,...]",
            description = "Kafka bootstrap servers. Default: bootstrap.servers of --command-config, else "
                    + LOCAL_BOOTSTRAP + " (the broker of `bin/dpbalance kafka start`).")
    String bootstrap;

    @Option(
            names = "--command-config",
            paramLabel = "FILE",
            description = "Kafka client properties (security.protocol, sasl.*, ssl.*, ...) for a secured cluster.")
    Path commandConfig;

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            defaultValue = "" + DEFAULT_TIMEOUT_SECONDS,
            description = "How long to wait for the cluster to answer a request. Default ${DEFAULT-VALUE}.")
    int timeoutSeconds;

    private String resolvedBootstrap;

    /** The options of a plain cluster at {@code bootstrap}, for programs without a command line of this shape. */
    public static KafkaOptions of(String bootstrap) {
        KafkaOptions options = new KafkaOptions();
        options.bootstrap = bootstrap;
        options.timeoutSeconds = DEFAULT_TIMEOUT_SECONDS;
        return options;
    }

    /** An admin client for the cluster; the caller closes it. */
    Admin admin() {
        Properties props = clientProperties();
        props.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Integer.toString(timeoutSeconds * 1000));
        props.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Integer.toString(timeoutSeconds * 1000));
        try {
            return Admin.create(props);
        } catch (KafkaException e) {
            throw new IllegalArgumentException(
                    "cannot make a Kafka client for " + resolvedBootstrap + ": " + rootMessage(e), e);
        }
    }

    /**
     * The properties of every client: those of {@code --command-config}, then {@code --bootstrap} (default: the file's
     * {@code bootstrap.servers}, else the local broker).
     *
     * @throws IllegalArgumentException if the timeout is not positive or the file cannot be read
     */
    Properties clientProperties() {
        if (timeoutSeconds <= 0) {
            throw new IllegalArgumentException("--timeout must be positive, not " + timeoutSeconds);
        }
        Properties props = new Properties();
        if (commandConfig != null) {
            try (Reader in = Files.newBufferedReader(commandConfig)) {
                props.load(in);
            } catch (IOException e) {
                throw new IllegalArgumentException(
                        "--command-config: cannot read " + commandConfig + ": " + e.getMessage(), e);
            }
        }
        if (bootstrap != null) {
            props.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        }
        props.putIfAbsent(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, LOCAL_BOOTSTRAP);
        resolvedBootstrap = props.getProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
        return props;
    }

    /** Whether {@code --bootstrap} or {@code --command-config} was given: the user asked for Kafka. */
    public boolean isSet() {
        return bootstrap != null || commandConfig != null;
    }

    /** The bootstrap servers the last client connects to. */
    String bootstrap() {
        return resolvedBootstrap;
    }

    /** The future's value; a cluster that does not answer, or refuses, becomes an error saying so. */
    <T> T await(KafkaFuture<T> future, String what) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + what, e);
        } catch (ExecutionException e) {
            throw failure(e.getCause(), what);
        }
    }

    IllegalStateException failure(Throwable cause, String what) {
        if (cause instanceof TimeoutException) {
            return new IllegalStateException(
                    "no answer from Kafka at " + resolvedBootstrap + " within "
                            + timeoutSeconds + " s while " + what
                            + ". Is a broker running there? Start the local one with "
                            + "`bin/dpbalance kafka start`, or pass --bootstrap.",
                    cause);
        }
        return new IllegalStateException(
                "Kafka at " + resolvedBootstrap + " refused " + what + ": " + rootMessage(cause), cause);
    }

    /** The exception's message, and its root cause's when that is another exception. */
    static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == t ? String.valueOf(t.getMessage()) : t.getMessage() + " (" + root.getMessage() + ")";
    }
}
