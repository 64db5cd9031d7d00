package io.dpbalance.jobs.analytics;

import io.dpbalance.jobs.io.InputRecord;
import io.dpbalance.schemas.DeadLetter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import org.apache.avro.specific.SpecificRecord;

/**
 * Dead-letter records of rejected input, bounded whatever the input was: the payload is cut to its first
 * {@link #MAX_PAYLOAD_BYTES} bytes, the cluster (the dead letter's Kafka key) to {@link #MAX_CLUSTER_BYTES} bytes and
 * the reason to {@link #MAX_REASON_CHARS} characters, with the original sizes in {@code payload_size} and
 * {@code cluster_id_size}. A dead letter therefore stays under 20 KB, far below the producer's default
 * {@code max.request.size} (1 MB) and the broker's {@code message.max.bytes}: one huge input record cannot make its
 * dead letter unwritable, which failed the job over and over (docs/reliability.md, "Input limits").
 */
final class DeadLetters {

  static final int MAX_PAYLOAD_BYTES = 16 * 1024;
  static final int MAX_CLUSTER_BYTES = 1024;
  static final int MAX_REASON_CHARS = 1024;

  private DeadLetters() {}

  /**
   * @param reason the reason code, optionally with ': ' and a detail
   * @param seenAt when the job rejected the record, epoch milliseconds
   */
  static DeadLetter of(InputRecord<? extends SpecificRecord> record, String reason, long seenAt) {
    String cluster = record.value == null
        ? record.keyCluster
        : String.valueOf(record.value.get(record.value.getSchema().getField("cluster_id").pos()));
    return of(cluster, record.topic, record.partition, record.offset, reason, record.payload, seenAt);
  }

  /** A token rejected by a check after the source's: a request's step out of order. */
  static DeadLetter of(RequestToken token, String reason, long seenAt) {
    return of(token.clusterId(), token.topic(), token.partition(), token.offset(), reason, token.payload(), seenAt);
  }

  private static DeadLetter of(String cluster, String topic, int partition, long offset, String reason,
      byte[] payload, long seenAt) {
    byte[] clusterBytes = cluster.getBytes(StandardCharsets.UTF_8);
    DeadLetter.Builder letter = DeadLetter.newBuilder()
        .setClusterId(cluster)
        .setSourceTopic(topic)
        .setPartition(partition)
        .setOffset(offset)
        .setReason(reason.length() <= MAX_REASON_CHARS ? reason : reason.substring(0, MAX_REASON_CHARS) + "...")
        .setPayload(ByteBuffer.wrap(payload))
        .setSeenAt(Instant.ofEpochMilli(seenAt));
    if (clusterBytes.length > MAX_CLUSTER_BYTES) {
      letter.setClusterId(utf8Prefix(clusterBytes, MAX_CLUSTER_BYTES)).setClusterIdSize((long) clusterBytes.length);
    }
    if (payload.length > MAX_PAYLOAD_BYTES) {
      letter.setPayload(ByteBuffer.wrap(Arrays.copyOf(payload, MAX_PAYLOAD_BYTES)))
          .setPayloadSize((long) payload.length);
    }
    return letter.build();
  }

  /** The longest start of {@code utf8} of at most {@code max} bytes that does not split a character. */
  static String utf8Prefix(byte[] utf8, int max) {
    int end = max;
    // A continuation byte (10xxxxxx) at the cut means the cut splits a character: back up to its first byte.
    while (end > 0 && (utf8[end] & 0xC0) == 0x80) {
      end--;
    }
    return new String(utf8, 0, end, StandardCharsets.UTF_8);
  }

  /** The reason code of a dead letter, without its detail: what metrics count by. */
  static String code(String reason) {
    int colon = reason.indexOf(':');
    return colon < 0 ? reason : reason.substring(0, colon);
  }
}
