package io.dpbalance.jobs.common;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.KafkaException;

/**
 * Checks before a Kafka run that the brokers of --bootstrap answer and that the --kafka-properties settings work with
 * them: the Kafka clients would otherwise retry for ever, and the job fail and restart for ever.
 */
public final class BrokerPreflight {

    /** How long the pre-flight check of the Kafka client settings may take. */
    static final Duration PREFLIGHT_TIMEOUT = Duration.ofSeconds(20);

    private final KafkaOptions kafka;
    private final List<String> tried = new ArrayList<>();

    public BrokerPreflight(KafkaOptions kafka) {
        this.kafka = kafka;
    }

    /**
     * Fails at once, with what to do, when none of the bootstrap servers accepts a connection (the Kafka clients would
     * retry forever) of a job run here, or when the --kafka-properties settings do not work with the broker (see
     * {@link #checkClientSettings}).
     *
     * @param onCluster whether the job runs on a Flink cluster (--jobmanager, or {@code main} inside one)
     */
    public void requireBroker(boolean onCluster) {
        if (onCluster) {
            // The cluster's network is what matters, not the submitting machine's; but a broker this machine reaches
            // gets
            // the security check, which the cluster's jobs would otherwise only fail (and fail over) on for ever.
            if (reachable() != null) {
                checkClientSettings();
            }
            return;
        }
        String reached = reachable();
        if (reached == null) {
            throw new IllegalArgumentException("--bootstrap: no Kafka broker answers at " + String.join(", ", tried)
                    + "; bin/dpbalance kafka start runs a local one");
        }
        checkClientSettings();
    }

    /**
     * With --kafka-properties: one AdminClient request (describe the cluster) with those settings, bounded by
     * {@link #PREFLIGHT_TIMEOUT}, before the job starts. A security setting the broker refuses (a SASL mechanism it
     * does not offer, wrong credentials, a JAAS config that does not parse, TLS that does not match) fails this run at
     * once, naming the flag and with Kafka's own error, instead of a job whose every source and sink fails and restarts
     * for ever (the restart strategy stays unbounded, so that a broker outage of any length does not end a job).
     */
    void checkClientSettings() {
        if (kafka.kafkaProperties == null) {
            return;
        }
        Properties properties = kafka.clientProperties();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap);
        int millis = (int) PREFLIGHT_TIMEOUT.toMillis();
        properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis);
        properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
        String what = "--kafka-properties " + kafka.kafkaProperties + ": the Kafka client cannot work with "
                + kafka.bootstrap + " with these settings, so the job would fail and restart for ever; ";
        try (Admin admin = Admin.create(properties)) {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs(millis))
                    .clusterId()
                    .get(millis + 5000L, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalArgumentException(what + kafkaError(e.getCause()), e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalArgumentException(
                    what + "no answer within " + PREFLIGHT_TIMEOUT.toSeconds() + " s (a "
                            + "security.protocol the listener does not speak?)",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking --kafka-properties", e);
        } catch (KafkaException | IllegalArgumentException e) {
            throw new IllegalArgumentException(what + kafkaError(e), e); // settings the client itself refuses
        }
    }

    /** Kafka's error and its causes' messages, e.g. "KafkaException: Failed to create ... <- JAAS config entry ...". */
    private static String kafkaError(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null && text.length() < 600; t = t.getCause() == t ? null : t.getCause()) {
            if (text.length() > 0) {
                text.append(" <- ");
            }
            text.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
        }
        return text.toString();
    }

    /** The first bootstrap server that accepts a connection, or null (each failure noted in {@link #tried}). */
    private String reachable() {
        tried.clear();
        String bootstrap = kafka.bootstrap;
        for (String server : bootstrap.split(",")) {
            String s = server.trim();
            int colon = s.lastIndexOf(':');
            if (s.isEmpty() || colon <= 0) {
                throw new IllegalArgumentException("--bootstrap: expected HOST:PORT[,...], got '" + bootstrap + "'");
            }
            try (Socket socket = new Socket()) {
                socket.connect(
                        new InetSocketAddress(s.substring(0, colon), Integer.parseInt(s.substring(colon + 1))), 3000);
                return s;
            } catch (IOException | NumberFormatException e) {
                tried.add(s + " (" + e.getMessage() + ")");
            }
        }
        return null;
    }
}
