package io.dpbalance.jobs.analytics;

import io.dpbalance.jobs.io.InputRecord;
import io.dpbalance.schemas.DeadLetter;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.apache.avro.specific.SpecificRecord;

/** Dead-letter records of rejected input. */
final class DeadLetters {

  private DeadLetters() {}

  /**
   * @param reason the reason code, optionally with ': ' and a detail
   * @param seenAt when the job rejected the record, epoch milliseconds
   */
  static DeadLetter of(InputRecord<? extends SpecificRecord> record, String reason, long seenAt) {
    String cluster = record.value == null
        ? record.keyCluster
        : String.valueOf(record.value.get(record.value.getSchema().getField("cluster_id").pos()));
    return DeadLetter.newBuilder()
        .setClusterId(cluster)
        .setSourceTopic(record.topic)
        .setPartition(record.partition)
        .setOffset(record.offset)
        .setReason(reason)
        .setPayload(ByteBuffer.wrap(record.payload))
        .setSeenAt(Instant.ofEpochMilli(seenAt))
        .build();
  }

  /** A token rejected by a check after the source's: a request's step out of order. */
  static DeadLetter of(RequestToken token, String reason, long seenAt) {
    return DeadLetter.newBuilder()
        .setClusterId(token.clusterId())
        .setSourceTopic(token.topic())
        .setPartition(token.partition())
        .setOffset(token.offset())
        .setReason(reason)
        .setPayload(ByteBuffer.wrap(token.payload()))
        .setSeenAt(Instant.ofEpochMilli(seenAt))
        .build();
  }

  /** The reason code of a dead letter, without its detail: what metrics count by. */
  static String code(String reason) {
    int colon = reason.indexOf(':');
    return colon < 0 ? reason : reason.substring(0, colon);
  }
}
