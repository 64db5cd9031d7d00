package io.dpbalance.jobs.common;

import io.dpbalance.jobs.io.InputRecord;
import io.dpbalance.schemas.BoundedDeadLetter;
import io.dpbalance.schemas.DeadLetter;
import java.time.Instant;
import org.apache.avro.specific.SpecificRecord;

/**
 * Dead-letter records of the jobs' rejected input, made by the schemas' {@link BoundedDeadLetter} (bounded whatever the
 * input was, so one huge record cannot make its dead letter unwritable).
 */
public final class DeadLetters {

    private DeadLetters() {}

    /**
     * @param reason the reason code, optionally with ': ' and a detail
     * @param seenAt when the job rejected the record, epoch milliseconds
     */
    public static DeadLetter of(InputRecord<? extends SpecificRecord> record, String reason, long seenAt) {
        String cluster = record.value == null
                ? record.keyCluster
                : String.valueOf(record.value.get(
                        record.value.getSchema().getField("cluster_id").pos()));
        return BoundedDeadLetter.of(
                cluster,
                record.topic,
                record.partition,
                record.offset,
                reason,
                record.payload,
                Instant.ofEpochMilli(seenAt));
    }

    /** The reason code of a dead letter, without its detail: what metrics count by. */
    public static String code(String reason) {
        int colon = reason.indexOf(':');
        return colon < 0 ? reason : reason.substring(0, colon);
    }
}
