package io.dpbalance.jobs.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * A real Kafka broker (KRaft, one combined broker and controller) for the test class, with what the tests do with it:
 * create topics, produce raw records, read a topic back to its end.
 *
 * <p>Where a Docker engine answers, the broker is Testcontainers' {@link KafkaContainer} ({@value #IMAGE}); elsewhere
 * it is started in the test JVM from the Kafka jars ({@link KafkaClusterTestKit}). {@link #kind()} and a log line say
 * which ran; {@code -Ddpbalance.test.kafka=container} or {@code =in-jvm} forces one.
 *
 * <p>{@code @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();} starts it before
 * the class's {@code @BeforeAll} methods and stops it after the class.
 */
public final class KafkaBrokerExtension implements BeforeAllCallback, AfterAllCallback {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaBrokerExtension.class);

    /** The system property that forces a broker kind. */
    static final String KIND_PROPERTY = "dpbalance.test.kafka";
    /** The image of the container broker: the Apache Kafka release the project builds against. */
    static final String IMAGE = "apache/kafka:4.2.0";
    /** The container's listener that an {@link OutageProxy} forwards to; it advertises the proxy's address. */
    private static final int PROXIED_PORT = 19092;

    /**
     * Retention checked every second, not every 5 minutes: output stamped with an old event time (the tests' logs are
     * from 2023 and 2026-01-01) would be deleted while a test reads it, not after the test.
     */
    private static final long RETENTION_CHECK_MILLIS = 1000;

    /** How long reading a topic to its end may take, waiting for transactions to settle included. */
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    /** Which broker runs. */
    public enum Kind {
        /** Testcontainers' {@code KafkaContainer}, where a Docker engine answers. */
        CONTAINER,
        /** {@code KafkaClusterTestKit} in the test JVM. */
        IN_JVM;

        /**
         * The broker to run: the one {@code forced} names ({@code container} or {@code in-jvm}), else the container where
         * a Docker engine answers. {@code dockerAvailable} is asked only when nothing is forced.
         */
        static Kind select(String forced, BooleanSupplier dockerAvailable) {
            if (forced != null && !forced.isBlank()) {
                return switch (forced.trim().toLowerCase(Locale.ROOT)) {
                    case "container" -> CONTAINER;
                    case "in-jvm" -> IN_JVM;
                    default ->
                        throw new IllegalArgumentException(
                                "-D" + KIND_PROPERTY + "=" + forced + ": expected container or in-jvm");
                };
            }
            return dockerAvailable.getAsBoolean() ? CONTAINER : IN_JVM;
        }
    }

    private Kind kind;
    private KafkaClusterTestKit inJvm;
    private KafkaContainer container;
    private Admin admin;
    private boolean outages;
    private OutageProxy proxy;

    /**
     * Puts an {@link OutageProxy} in front of the broker: {@link #bootstrapServers} and the broker's advertised listener
     * name the proxy, so that every client (the jobs', the test's producers and readers) goes through it, and
     * {@link #cutOff} / {@link #restore} make a broker outage and its end.
     */
    public KafkaBrokerExtension withOutages() {
        outages = true;
        return this;
    }

    /** The outage begins: every client connection is closed and none is let through until {@link #restore}. */
    public void cutOff() {
        proxy().cut();
    }

    /** The outage ends. */
    public void restore() {
        proxy().restore();
    }

    private OutageProxy proxy() {
        if (proxy == null) {
            throw new IllegalStateException("no outages without withOutages()");
        }
        return proxy;
    }

    /** Which broker runs (known once the extension has started it). */
    public Kind kind() {
        if (kind == null) {
            throw new IllegalStateException("the broker has not been started yet");
        }
        return kind;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        long asked = System.nanoTime();
        kind = Kind.select(
                System.getProperty(KIND_PROPERTY),
                () -> DockerClientFactory.instance().isDockerAvailable());
        long selectMillis = (System.nanoTime() - asked) / 1_000_000;
        if (outages) {
            proxy = new OutageProxy();
        }
        String own = kind == Kind.CONTAINER ? startContainer() : startInJvm();
        if (proxy != null) {
            String[] hostPort = own.split(":");
            if (Integer.parseInt(hostPort[1]) == proxy.port()) {
                throw new IllegalStateException("the broker's own listener is not known: " + own);
            }
            proxy.target(hostPort[0], Integer.parseInt(hostPort[1]));
        }
        if (inJvm != null) {
            inJvm.waitForReadyBrokers();
        }
        LOG.info(
                "Kafka broker for {}: {} at {}{} (chosen in {} ms)",
                context.getDisplayName(),
                kind == Kind.CONTAINER ? "container " + IMAGE : "in-JVM (no Docker engine answers, or forced)",
                own,
                proxy != null ? " behind an outage proxy at " + bootstrapServers() : "",
                selectMillis);
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
    }

    /** Starts the container broker; returns its own address (the proxied listener's, with outages). */
    private String startContainer() {
        container = new KafkaContainer(IMAGE)
                .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
                .withEnv("KAFKA_LOG_RETENTION_CHECK_INTERVAL_MS", Long.toString(RETENTION_CHECK_MILLIS));
        if (proxy != null) {
            int proxyPort = proxy.port();
            // Clients learn the broker's address from the metadata: the listener they reach through the proxy must
            // advertise the proxy, or they would go around it.
            container
                    .withListener("0.0.0.0:" + PROXIED_PORT, () -> "localhost:" + proxyPort)
                    .addExposedPort(PROXIED_PORT);
        }
        container.start();
        return proxy != null
                ? container.getHost() + ":" + container.getMappedPort(PROXIED_PORT)
                : container.getBootstrapServers();
    }

    /** Starts the in-JVM broker; returns its own address. */
    private String startInJvm() throws Exception {
        KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                .build());
        if (proxy != null) {
            // Clients learn the broker's address from the metadata: it must be the proxy's, or they would go around it.
            builder.setConfigProp("advertised.listeners", "EXTERNAL://localhost:" + proxy.port());
        }
        inJvm = builder.setConfigProp("auto.create.topics.enable", "false")
                // One broker: the internal topics of transactions and consumer groups cannot have 3 replicas.
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("log.retention.check.interval.ms", Long.toString(RETENTION_CHECK_MILLIS))
                .build();
        inJvm.format();
        inJvm.startup();
        return inJvm.bootstrapServers().split(",")[0];
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (admin != null) {
            admin.close();
        }
        if (inJvm != null) {
            inJvm.close();
        }
        if (container != null) {
            container.stop();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    public String bootstrapServers() {
        if (proxy != null) {
            return "localhost:" + proxy.port();
        }
        return inJvm != null ? inJvm.bootstrapServers() : container.getBootstrapServers();
    }

    public void createTopics(int partitions, String... topics) throws Exception {
        List<NewTopic> newTopics = new ArrayList<>();
        for (String topic : topics) {
            newTopics.add(new NewTopic(topic, partitions, (short) 1));
        }
        admin.createTopics(newTopics).all().get();
        // A producer that writes before the new partitions' leaders are settled may lose a batch (NotLeaderOrFollower,
        // then OutOfOrderSequence on the retry): wait until every partition has a leader. Right after the create, the
        // broker may not know the topic yet (UnknownTopicOrPartition): that is waited out too.
        List<String> names = List.of(topics);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!allLeadersKnown(names)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("topics " + names + " have no leader for every partition within 30 s");
            }
            Thread.sleep(100);
        }
    }

    private boolean allLeadersKnown(List<String> topics) throws Exception {
        try {
            return admin.describeTopics(topics).allTopicNames().get().values().stream()
                    .flatMap(t -> t.partitions().stream())
                    .allMatch(p -> p.leader() != null && p.leader().id() >= 0);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException) {
                return false;
            }
            throw e;
        }
    }

    public KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()),
                new ByteArraySerializer(),
                new ByteArraySerializer());
    }

    /**
     * Sends {@code records} in {@code chunks} chunks 250 ms apart, with the broker cut off for {@code outage} after a
     * third of them (needs {@link #withOutages()}): the producer buffers and sends the rest once it is back.
     *
     * @return milliseconds from the cut to the end of production
     */
    public long produceWithOutage(List<ProducerRecord<byte[], byte[]>> records, int chunks, Duration outage)
            throws Exception {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        long outageStarted = 0;
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            int chunk = records.size() / chunks;
            for (int i = 0; i < records.size(); i++) {
                // While the broker is away, send() may block (metadata) until it is back: the restore runs on a timer.
                producer.send(records.get(i));
                if (i % chunk == chunk - 1) {
                    Thread.sleep(250);
                }
                if (i == records.size() / 3) {
                    producer.flush();
                    cutOff();
                    outageStarted = System.nanoTime();
                    timer.schedule(this::restore, outage.toMillis(), TimeUnit.MILLISECONDS);
                }
            }
            producer.flush();
        } finally {
            timer.shutdown();
            if (!timer.awaitTermination(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the broker was not restored within 30 s");
            }
        }
        return (System.nanoTime() - outageStarted) / 1_000_000;
    }

    /**
     * Until consumer group {@code group} has committed {@code records} offsets (a live job read its input and
     * checkpointed), failing if the job ends first or it takes longer than {@code within}.
     */
    public void awaitCommitted(JobClient job, String group, long records, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (committedOffsets(group) < records) {
            if (job.getJobStatus().get().isGloballyTerminalState()) {
                throw new AssertionError("the live job ended before it committed " + records + " offsets");
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the live job did not commit " + records + " offsets within " + within);
            }
            Thread.sleep(200);
        }
    }

    /** The offsets consumer group {@code group} has committed, summed over its partitions. */
    public long committedOffsets(String group) throws Exception {
        long sum = 0;
        for (var offset : admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get(30, TimeUnit.SECONDS)
                .values()) {
            sum += offset == null ? 0 : offset.offset();
        }
        return sum;
    }

    /**
     * Every record of the topic a {@code read_committed} consumer sees, from the start to the end offsets the topic has
     * now. Reading waits for open transactions to settle: a commit's markers land shortly after the commit returns. A
     * transaction left open fails the read after 30 s, since it hides every later record from committed readers.
     */
    public List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic) throws Exception {
        return read(topic, IsolationLevel.READ_COMMITTED);
    }

    /** Every record of the topic, those of aborted and of open transactions included. */
    public List<ConsumerRecord<byte[], byte[]>> readUncommitted(String topic) throws Exception {
        return read(topic, IsolationLevel.READ_UNCOMMITTED);
    }

    private List<ConsumerRecord<byte[], byte[]>> read(String topic, IsolationLevel isolation) throws Exception {
        List<TopicPartition> partitions = partitions(topic);
        Map<TopicPartition, Long> end = endOffsets(partitions);
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                                isolation.toString().toLowerCase(Locale.ROOT),
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Set<TopicPartition> reading = new HashSet<>(partitions);
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (!reading.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    Map<TopicPartition, Long> at = new HashMap<>();
                    reading.forEach(partition -> at.put(partition, consumer.position(partition)));
                    throw new AssertionError(
                            topic + " (" + isolation + "): stuck at " + at + " short of the end offsets " + end
                                    + " after " + READ_TIMEOUT.toSeconds() + " s: a transaction left open?");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                reading.removeIf(partition -> consumer.position(partition) >= end.get(partition));
            }
        }
        return records;
    }

    /** The end offset of each partition of the topic, in partition order. */
    public List<Long> endOffsets(String topic) throws Exception {
        List<TopicPartition> partitions = partitions(topic);
        Map<TopicPartition, Long> end = endOffsets(partitions);
        return partitions.stream().map(end::get).toList();
    }

    private List<TopicPartition> partitions(String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
                .map(info -> new TopicPartition(topic, info.partition()))
                .toList();
    }

    private Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        partitions.forEach(partition -> latest.put(partition, OffsetSpec.latest()));
        Map<TopicPartition, ListOffsetsResultInfo> offsets =
                admin.listOffsets(latest).all().get();
        Map<TopicPartition, Long> end = new HashMap<>();
        offsets.forEach((partition, info) -> end.put(partition, info.offset()));
        return end;
    }
}
