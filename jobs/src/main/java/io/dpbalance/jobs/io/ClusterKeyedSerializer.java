package io.dpbalance.jobs.io;

import io.dpbalance.schemas.AvroCodec;
import io.dpbalance.schemas.Codecs;
import java.nio.charset.StandardCharsets;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes one dpbalance record type to a topic as docs/design.md §6 says: the value single-object encoded, the key the UTF-8
 * {@code cluster_id}, so one cluster's records stay ordered within a partition. Used for StepMetrics, WindowMetrics
 * and DeadLetter, which all carry a {@code cluster_id}.
 *
 * <p>Records carry no timestamp of their own: Kafka stamps them when they are written. Their event time (a step's or a
 * window's time, inside the value) can lie far in the past when a job replays an old log, and a broker deletes records
 * whose timestamp is older than the topic's retention (7 days by default) at its next retention check, minutes after
 * they were committed.
 *
 * @param <T> the record type
 */
public final class ClusterKeyedSerializer<T extends SpecificRecord> implements KafkaRecordSerializationSchema<T> {

    private static final long serialVersionUID = 1L;

    /** The Kafka record header naming the run that wrote a record (see {@code RunSummary}). */
    public static final String RUN_HEADER = "dpbalance-run";

    private final Class<T> type;
    private final String topic;
    /** Stamped into every record's {@code dpbalance-run} header when not null: which run wrote it. */
    private final byte[] runId;

    private transient AvroCodec<T> codec;
    private transient int clusterField;
    /** The last record's cluster and its key bytes: a job's records come in runs of one cluster. */
    private transient String lastCluster;

    private transient byte[] lastKey;

    public ClusterKeyedSerializer(Class<T> type, String topic) {
        this(type, topic, null);
    }

    public ClusterKeyedSerializer(Class<T> type, String topic, String runId) {
        this.type = type;
        this.topic = topic;
        this.runId = runId == null ? null : runId.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        codec = Codecs.codec(type);
        clusterField = codec.schema().getField("cluster_id").pos();
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long eventTime) {
        String cluster = String.valueOf(element.get(clusterField));
        byte[] key;
        if (cluster.equals(lastCluster)) {
            key = lastKey;
        } else {
            key = cluster.getBytes(StandardCharsets.UTF_8);
            lastCluster = cluster;
            lastKey = key;
        }
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, key, codec.encode(element));
        if (runId != null) {
            record.headers().add(RUN_HEADER, runId);
        }
        return record;
    }
}
