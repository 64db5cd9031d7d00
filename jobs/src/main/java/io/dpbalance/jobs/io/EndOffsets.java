package io.dpbalance.jobs.io;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the broker holds: the {@code read_committed} end offset of each partition someone asked about, polled every
 * {@link #POLL_MILLIS} ms by one AdminClient, and when the broker last answered. {@link CaughtUpIdleness} asks it
 * before it lets a quiet partition go idle: a partition the broker holds unread records of, or a broker that does not
 * answer (an outage), must keep holding the watermark back.
 *
 * <p>One watcher per client configuration (bootstrap servers and client properties, security settings included) per
 * class loader, that is per TaskManager JVM for a job: {@link #shared} hands every split of every source of the job the
 * same one. It counts the sources using it ({@link #shared} / {@link #release}), and closes its AdminClient and thread
 * when none uses it, or when nobody has asked about any partition for {@code forgetAfter} (a split's watermark
 * generator has no close, so a cancelled job's generators just stop asking); the next question opens it again. A
 * partition nobody asked about for {@code forgetAfter} is forgotten.
 */
public final class EndOffsets {

    /** How often the end offsets are asked for. */
    public static final long POLL_MILLIS = 500;

    private static final Logger LOG = LoggerFactory.getLogger(EndOffsets.class);
    private static final Map<String, EndOffsets> SHARED = new HashMap<>();

    /** One partition's last answer. */
    public record Answer(long endOffset, long answeredAtNanos) {}

    private final String key;
    private final String bootstrapServers;
    private final Properties clientProperties;
    private final long forgetAfterNanos;
    /** False for a watcher that never polls by itself (unit tests of the bookkeeping drive {@link #poll}). */
    private final boolean polls;

    private final Map<TopicPartition, Long> askedAtNanos = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Answer> answers = new ConcurrentHashMap<>();
    private volatile long brokerAnsweredAtNanos = Long.MIN_VALUE;
    private volatile long lastAskedNanos = System.nanoTime();
    private int users;
    private Thread thread;
    private Admin admin;

    private EndOffsets(
            String key, String bootstrapServers, Properties clientProperties, Duration forgetAfter, boolean polls) {
        this.key = key;
        this.bootstrapServers = bootstrapServers;
        this.clientProperties = clientProperties;
        this.forgetAfterNanos = forgetAfter.toNanos();
        this.polls = polls;
    }

    /** A watcher not shared and without a thread: what it knows comes from {@link #poll} calls (tests). */
    static EndOffsets unpolled(String bootstrapServers, Properties clientProperties, Duration forgetAfter) {
        return new EndOffsets(bootstrapServers, bootstrapServers, clientProperties, forgetAfter, false);
    }

    /** The watcher of these client settings, shared in this JVM; pair with {@link #release}. */
    public static EndOffsets shared(String bootstrapServers, Properties clientProperties, Duration forgetAfter) {
        String key = bootstrapServers + " " + new TreeMap<>(clientProperties);
        synchronized (SHARED) {
            EndOffsets watcher = SHARED.computeIfAbsent(
                    key, k -> new EndOffsets(k, bootstrapServers, clientProperties, forgetAfter, true));
            watcher.users++;
            return watcher;
        }
    }

    /** One user less; the last one closes the watcher. */
    public void release() {
        synchronized (SHARED) {
            if (--users <= 0) {
                SHARED.remove(key, this);
                stop();
            }
        }
    }

    /** How many watchers run in this JVM (tests). */
    public static int running() {
        synchronized (SHARED) {
            return (int) SHARED.values().stream()
                    .filter(watcher -> watcher.thread != null)
                    .count();
        }
    }

    /**
     * The broker's last answer for the partition, or null if it has not answered for it yet; from now on the partition
     * is polled (again) until nobody asks about it for {@code forgetAfter}.
     */
    public Answer ask(String topic, int partition) {
        long now = System.nanoTime();
        lastAskedNanos = now;
        TopicPartition tp = new TopicPartition(topic, partition);
        askedAtNanos.put(tp, now);
        ensureRunning();
        return answers.get(tp);
    }

    /** True when the broker answered any request of this watcher within {@code within}. */
    public boolean brokerAnsweredWithin(Duration within) {
        lastAskedNanos = System.nanoTime();
        ensureRunning();
        long at = brokerAnsweredAtNanos;
        return at != Long.MIN_VALUE && System.nanoTime() - at <= within.toNanos();
    }

    private void ensureRunning() {
        if (!polls) {
            return;
        }
        synchronized (SHARED) {
            if (thread == null) {
                Thread t = new Thread(this::run, "dpbalance end offsets " + bootstrapServers);
                t.setDaemon(true);
                t.setContextClassLoader(EndOffsets.class.getClassLoader());
                thread = t;
                t.start();
            }
        }
    }

    private void stop() {
        Thread t;
        synchronized (SHARED) {
            t = thread;
            thread = null;
        }
        if (t != null) {
            t.interrupt();
        }
    }

    private void run() {
        Thread me = Thread.currentThread();
        try (Admin client = Admin.create(adminProperties())) {
            while (isCurrent(me)) {
                long now = System.nanoTime();
                if (now - lastAskedNanos > forgetAfterNanos) {
                    // Nobody asks any more (the job is gone, or all its splits finished): stop until the next question.
                    synchronized (SHARED) {
                        if (thread == me && System.nanoTime() - lastAskedNanos > forgetAfterNanos) {
                            thread = null;
                            return;
                        }
                    }
                }
                forgetUnasked(now);
                poll(client);
                TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("end-offset watcher of {} stopped; it starts again at the next question", bootstrapServers, e);
            forget(me);
        } catch (LinkageError e) {
            // The job's class loader was closed under the watcher (the job ended, was cancelled or failed over, in a
            // session cluster's TaskManager) before it noticed nobody asks any more: its job is gone, so is it.
            LOG.info(
                    "end-offset watcher of {} stopped: its job's classes are gone ({})",
                    bootstrapServers,
                    e.toString());
            forget(me);
        }
    }

    private void forget(Thread me) {
        synchronized (SHARED) {
            if (thread == me) {
                thread = null;
            }
        }
    }

    private boolean isCurrent(Thread me) {
        synchronized (SHARED) {
            return thread == me && !me.isInterrupted();
        }
    }

    /** Forgets the partitions nobody asked about for {@code forgetAfter} before {@code nowNanos}, and their answers. */
    void forgetUnasked(long nowNanos) {
        askedAtNanos.entrySet().removeIf(asked -> nowNanos - asked.getValue() > forgetAfterNanos);
        answers.keySet().retainAll(askedAtNanos.keySet());
    }

    /** Records the broker's answer for a partition (and that the broker answered then). */
    void answered(TopicPartition tp, Answer answer) {
        answers.put(tp, answer);
        brokerAnsweredAtNanos = answer.answeredAtNanos();
    }

    /** Asks the broker once for the end offsets of the partitions asked about (or, with none, whether it answers). */
    void poll(Admin client) throws InterruptedException {
        Map<TopicPartition, OffsetSpec> wanted = new HashMap<>();
        askedAtNanos.keySet().forEach(tp -> wanted.put(tp, OffsetSpec.latest()));
        try {
            if (wanted.isEmpty()) {
                client.describeCluster(new DescribeClusterOptions().timeoutMs(2_000))
                        .clusterId()
                        .get();
                brokerAnsweredAtNanos = System.nanoTime();
                return;
            }
            ListOffsetsResult result =
                    client.listOffsets(wanted, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED).timeoutMs(2_000));
            for (TopicPartition tp : wanted.keySet()) {
                try {
                    answered(tp, new Answer(result.partitionResult(tp).get().offset(), System.nanoTime()));
                } catch (java.util.concurrent.ExecutionException e) {
                    // No answer for this partition this time (broker away, leader moving): its last answer ages.
                    LOG.debug("no end offset for {}: {}", tp, e.getCause().toString());
                }
            }
        } catch (java.util.concurrent.ExecutionException e) {
            LOG.debug(
                    "broker {} did not answer: {}",
                    bootstrapServers,
                    e.getCause().toString());
        }
    }

    Map<String, Object> adminProperties() {
        Map<String, Object> properties = new HashMap<>();
        // The source's client settings that an AdminClient knows (security protocol, SASL, SSL, ...): the rest are
        // consumer or connector settings it would warn about.
        clientProperties.forEach((name, value) -> {
            if (AdminClientConfig.configNames().contains(String.valueOf(name))) {
                properties.put(String.valueOf(name), value);
            }
        });
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(AdminClientConfig.CLIENT_ID_CONFIG, "dpbalance-end-offsets");
        properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000);
        properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2_000);
        properties.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
        properties.put(AdminClientConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 500);
        return properties;
    }
}
